/**
 * Group commit for the token audit table. Each caller waits until its row is committed (a token is never
 * handed out before its audit row is durable), but rows that arrive while a write is running are written
 * together in the next single INSERT, so under load one database round trip serves many requests.
 */
import { QueryTypes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import pg from 'pg';
import type { Models, TokenAudit } from '../db/models.js';
import { SqliteDatabase } from '../db/sqlite-database.js';

type AuditRow = InferCreationAttributes<TokenAudit>;

interface Pending {
  rows: AuditRow[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// 8 bound parameters a row: 100 rows stay below SQLite's historical limit of 999 parameters a statement.
const MAX_BATCH = 100;

const COLUMNS = [
  'tenant_id',
  'dashboard_id',
  'subject',
  'ip',
  'user_agent',
  'issued_at',
  'expires_at',
  'token_sha256',
] as const;

/**
 * The text Sequelize itself stores for a DATE (`YYYY-MM-DD HH:mm:ss.SSS +00:00`, its default UTC timezone),
 * without a moment object per value: rows read back exactly as if written through the model.
 */
export function sqlDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} +00:00`;
}

/** `format`, remembering its last date (by time value) and answer. */
function lastValueCache(format: (date: Date) => string): (date: Date) => string {
  let lastTime = Number.NaN;
  let lastText = '';
  return (date) => {
    const time = date.getTime();
    if (time !== lastTime) {
      lastText = format(date);
      lastTime = time;
    }
    return lastText;
  };
}

type Placeholder = (index: number) => string;

/** A multi-row INSERT for `rowCount` rows, with the dialect's placeholders (`?` or `$1`). */
function insertStatement(rowCount: number, placeholder: Placeholder): string {
  const groups: string[] = [];
  for (let row = 0; row < rowCount; row++) {
    const base = row * COLUMNS.length;
    groups.push(`(${COLUMNS.map((_, column) => placeholder(base + column + 1)).join(', ')})`);
  }
  return `INSERT INTO token_audit (${COLUMNS.join(', ')}) VALUES ${groups.join(', ')}`;
}

/** Runs one INSERT with bound parameters (the SQL text cached by row count: at most MAX_BATCH strings). */
type Insert = (rowCount: number, parameters: (string | null)[]) => Promise<void>;

/**
 * SQLite: straight on the driver's connection (the one Sequelize uses outside transactions, taken through its
 * connection manager's public `getConnection`), because Sequelize's handling of bound parameters costs about
 * 30 µs of CPU per row against 7–10 µs per row for the whole insert here (measured, batches of 16–48 rows).
 * The statement for each row count is prepared once per connection and kept (db/sqlite-database.ts).
 *
 * PostgreSQL: on a connection of Sequelize's own pool (taken and given back through its connection manager's
 * public `getConnection` / `releaseConnection`, so the pool's size, validation and timeouts apply), as a named
 * query: node-postgres parses it once per connection and after that sends only bind, describe, execute and
 * sync, in one write (shims/coalescing-socket.ts). Through `sequelize.query` a batch cost ≈ 9 % of a PostgreSQL
 * + Redis instance's CPU in Sequelize's query path (`formatBindParameters`, its `run`) plus a parse message
 * per batch (profile of the scale-out bench, one instance alone, 2026-11-29). A failed parse is not kept
 * (node-postgres records a name only on ParseComplete). Errors are the driver's own, which db/unavailable.ts
 * tells apart as for SQLite. `generic` (and a connection of another driver) goes through Sequelize with the
 * same statement.
 */
function inserter(sequelize: Sequelize, forceGeneric: boolean): Insert {
  const cache = new Map<number, string>();
  const sqlFor = (rowCount: number, placeholder: Placeholder) => {
    let sql = cache.get(rowCount);
    if (sql === undefined) cache.set(rowCount, (sql = insertStatement(rowCount, placeholder)));
    return sql;
  };
  const generic: Insert = async (rowCount, parameters) => {
    const sql = sqlFor(rowCount, (index) => `$${index}`);
    await sequelize.query(sql, { bind: parameters, type: QueryTypes.INSERT });
  };
  const manager = sequelize.connectionManager;
  if (sequelize.getDialect() === 'postgres' && !forceGeneric) {
    return async (rowCount, parameters) => {
      const connection = await manager.getConnection({ type: 'write' });
      try {
        if (!(connection instanceof pg.Client)) return await generic(rowCount, parameters);
        await connection.query({
          name: `tenantdash_audit_insert_${rowCount}`,
          text: sqlFor(rowCount, (index) => `$${index}`),
          values: parameters,
        });
      } finally {
        manager.releaseConnection(connection);
      }
    };
  }
  if (sequelize.getDialect() === 'sqlite' && !forceGeneric) {
    return async (rowCount, parameters) => {
      const connection = await manager.getConnection({ type: 'write' });
      if (!(connection instanceof SqliteDatabase)) return generic(rowCount, parameters);
      const statement = await connection.preparedStatement(sqlFor(rowCount, () => '?'));
      await new Promise<void>((resolve, reject) =>
        statement.run(parameters, (error: Error | null) => (error ? reject(error) : resolve())),
      );
    };
  }
  return generic;
}

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
 * Writes in flight at once: one, on both engines; rows arriving meanwhile wait and go together in the next
 * batch. Each batch has a fixed cost. On SQLite (one connection, where concurrent statements only queue) a
 * commit and two thread hand-offs, ≈ 50 µs of CPU (measured: 17 µs a row in batches of 4, 7 µs in batches
 * of 16); with 50 connections on the token endpoint, 3 in flight gave batches of ≈ 8 rows, 1 in flight took
 * the endpoint from ≈ 135 to ≈ 100 µs CPU per request, with a lower p99. On PostgreSQL the client's messages
 * and the server's commit, on the same cores: in the scale-out bench (2026-11-29, rounds in turn with 3 in
 * flight) 1 in flight took each instance of the pair from ≈ 240–275 to ≈ 190–200 µs per request and one
 * instance alone from ≈ 115–125 to ≈ 100–110, with more requests a second and a lower p99.
 */
const MAX_IN_FLIGHT = { sqlite: 1, other: 1 } as const;

export class AuditWriter {
  private next: Pending | undefined;
  private inFlight = 0;
  private inFlightRows = 0;
  private readonly idle: (() => void)[] = [];

  private readonly insert: Insert;
  // Expiries are whole seconds and issue times often repeat within a batch: formatted once per value.
  private readonly issuedText = lastValueCache(sqlDate);
  private readonly expiresText = lastValueCache(sqlDate);
  private readonly maxInFlight: number;

  /** `generic`: always through `sequelize.query` (what other dialects get; lets tests cover that path too). */
  constructor(models: Models, options: { generic?: boolean } = {}) {
    const sequelize = models.TokenAudit.sequelize!;
    // `sqlDate` writes UTC, which is what Sequelize writes unless told another timezone.
    const timezone = (sequelize as unknown as { options: { timezone?: string } }).options.timezone;
    if ((timezone ?? '+00:00') !== '+00:00') {
      throw new Error(`audit writer expects the UTC timezone, got ${timezone}`);
    }
    this.insert = inserter(sequelize, options.generic === true);
    this.maxInFlight = sequelize.getDialect() === 'sqlite' ? MAX_IN_FLIGHT.sqlite : MAX_IN_FLIGHT.other;
  }

  /** Resolves once the row is committed; rejects if its batch failed. */
  record(row: AuditRow): Promise<void> {
    this.next ??= pending();
    const batch = this.next;
    batch.rows.push(row);
    if (this.inFlight < this.maxInFlight) this.start();
    return batch.done;
  }

  /** Rows recorded but not committed yet (queued or being written): the backlog the metrics report. */
  get pendingRows(): number {
    return (this.next?.rows.length ?? 0) + this.inFlightRows;
  }

  /** Waits until every row recorded so far is written (used before closing the database). */
  flush(): Promise<void> {
    if (this.inFlight === 0 && !this.next) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async write(rows: AuditRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      const chunk = rows.slice(i, i + MAX_BATCH);
      // Bound parameters instead of Sequelize's per-value escaping and date formatting (through moment);
      // the stored values are the same.
      const bind: (string | null)[] = [];
      for (const row of chunk) {
        bind.push(
          row.tenant_id,
          row.dashboard_id,
          row.subject,
          row.ip,
          row.user_agent,
          this.issuedText(row.issued_at),
          this.expiresText(row.expires_at),
          row.token_sha256,
        );
      }
      await this.insert(chunk.length, bind);
    }
  }

  private start(): void {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    this.inFlight++;
    this.inFlightRows += batch.rows.length;
    void this.write(batch.rows)
      .then(
        () => batch.resolve(),
        (error: unknown) => batch.reject(error),
      )
      .finally(() => {
        this.inFlight--;
        this.inFlightRows -= batch.rows.length;
        if (this.next) this.start();
        else if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }
}
