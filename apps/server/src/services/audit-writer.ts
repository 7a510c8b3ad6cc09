/**
 * Group commit for the token audit table. Each caller waits until its row is committed (a token is never
 * handed out before its audit row is durable), but rows that arrive while a write is running are written
 * together in the next single INSERT, so under load one database round trip serves many requests.
 */
import type { InferCreationAttributes } from 'sequelize';
import type { Models, TokenAudit } from '../db/models.js';

type AuditRow = InferCreationAttributes<TokenAudit>;

interface Pending {
  rows: AuditRow[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;

function pending(): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { rows: [], done, resolve, reject };
}

/**
 * Writes in flight at once. More than one keeps the database busy while the event loop prepares the next
 * INSERT and handles the previous one's completion, which would otherwise leave gaps between batches.
 */
const MAX_IN_FLIGHT = 3;

export class AuditWriter {
  private next: Pending | undefined;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];

  constructor(private readonly models: Models) {}

  /** Resolves once the row is committed; rejects if its batch failed. */
  record(row: AuditRow): Promise<void> {
    this.next ??= pending();
    const batch = this.next;
    batch.rows.push(row);
    if (this.inFlight < MAX_IN_FLIGHT) this.start();
    return batch.done;
  }

  /** Waits until every row recorded so far is written (used before closing the database). */
  flush(): Promise<void> {
    if (this.inFlight === 0 && !this.next) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async write(rows: AuditRow[]): Promise<void> {
    // Chunked to stay far below the database's bound-parameter limit.
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      // A plain multi-row INSERT: no model instances, so a large batch costs the event loop little.
      await this.models.TokenAudit.sequelize!.getQueryInterface().bulkInsert(
        'token_audit',
        rows.slice(i, i + MAX_BATCH).map(({ id: _id, ...row }) => row),
      );
    }
  }

  private start(): void {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    this.inFlight++;
    void this.write(batch.rows)
      .then(
        () => batch.resolve(),
        (error: unknown) => batch.reject(error),
      )
      .finally(() => {
        this.inFlight--;
        if (this.next) this.start();
        else if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }
}
