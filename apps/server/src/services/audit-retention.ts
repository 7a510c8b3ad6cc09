/**
 * Deletes audit rows older than the retention period, off the request path: a round runs shortly after start
 * and then hourly, in small batches with a rest between them. Token requests write their audit rows while a
 * round runs, and on SQLite every write waits for the one in progress (on PostgreSQL for index pages and I/O),
 * so a batch is kept short (a few milliseconds) rather than one DELETE of everything, and the rest grows with
 * the time a batch took, so a busy database gets more of its time back; the bench (`bench:prune`) measures
 * what a round of a million rows does to the token endpoint's p99.
 *
 * Several instances on one PostgreSQL database: each batch takes a transaction-scoped advisory lock first
 * and a round ends when another instance holds it, so one instance prunes at a time.
 */
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';

export const DAY_MS = 24 * 60 * 60 * 1000;
// Measured with `bench:prune` on SQLite (1 million due rows, token endpoint under load): batches of 500 with a
// fixed 25 ms pause took the saturated endpoint's p99 from 13 to 84 ms; batches of 100 resting 4× as long as
// each batch took (at least 10 ms) keep it within a few ms of the baseline, and prune faster when the database
// is idle than under load: the round takes at most a fifth of the database's time.
const PRUNE_BATCH_ROWS = 100;
const PRUNE_PAUSE_MS = 10;
const PRUNE_REST_FACTOR = 4;
const PRUNE_FIRST_ROUND_MS = 30_000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface PruneResult {
  /** Rows issued before this instant were due. */
  cutoff: string;
  deleted: number;
  batches: number;
  /** False when the round stopped early: closing, or another instance is pruning. */
  complete: boolean;
}

export interface AuditRetentionOptions {
  retentionDays: number;
  now: () => number;
  batchRows?: number;
  pauseMs?: number;
  restFactor?: number;
  /** Told about every round that deleted something or failed (the server logs it). */
  onRound?: (result: PruneResult | { error: unknown }) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneResult> | undefined;
  private stopped = false;
  private readonly batchRows: number;
  private readonly pauseMs: number;
  private readonly restFactor: number;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly options: AuditRetentionOptions,
  ) {
    this.batchRows = options.batchRows ?? PRUNE_BATCH_ROWS;
    this.pauseMs = options.pauseMs ?? PRUNE_PAUSE_MS;
    this.restFactor = options.restFactor ?? PRUNE_REST_FACTOR;
  }

  get enabled(): boolean {
    return this.options.retentionDays > 0;
  }

  /** Schedules the rounds (nothing when retention is 0: rows are kept forever). */
  start(firstRoundMs = PRUNE_FIRST_ROUND_MS, intervalMs = PRUNE_INTERVAL_MS): void {
    if (!this.enabled || this.stopped) return;
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.pruneNow()
          .then(
            (result) => {
              if (result.deleted > 0) this.options.onRound?.(result);
            },
            (error: unknown) => this.options.onRound?.({ error }),
          )
          .finally(() => {
            if (!this.stopped) schedule(intervalMs);
          });
      }, delay);
      this.timer.unref();
    };
    schedule(firstRoundMs);
  }

  /** Stops scheduling; a round in progress ends after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round now (a round already running is joined, not doubled). */
  pruneNow(): Promise<PruneResult> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<PruneResult> {
    const cutoff = new Date(this.options.now() - this.options.retentionDays * DAY_MS);
    const result: PruneResult = { cutoff: cutoff.toISOString(), deleted: 0, batches: 0, complete: false };
    if (!this.enabled) return { ...result, complete: true };
    for (;;) {
      if (this.stopped) return result;
      const started = performance.now();
      const deleted = await this.batch(cutoff);
      const took = performance.now() - started;
      if (deleted === null) return result;
      result.batches++;
      result.deleted += deleted;
      if (deleted < this.batchRows) return { ...result, complete: true };
      await sleep(Math.max(this.pauseMs, took * this.restFactor));
    }
  }

  /** Deletes up to one batch of the oldest due rows; null when another instance holds the lock. */
  private async batch(cutoff: Date): Promise<number | null> {
    const sql = `DELETE FROM token_audit WHERE id IN (
      SELECT id FROM token_audit WHERE issued_at < :cutoff ORDER BY issued_at, id LIMIT :rows)`;
    const replacements = { cutoff, rows: this.batchRows };
    if (this.sequelize.getDialect() !== 'postgres') {
      // One statement outside a transaction: it commits by itself, holding SQLite's write lock only for it.
      return Number(await this.sequelize.query(sql, { replacements, type: QueryTypes.BULKDELETE }));
    }
    return this.sequelize.transaction(
      { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED },
      async (transaction) => {
        const [lock] = await this.sequelize.query<{ locked: boolean }>(
          `SELECT pg_try_advisory_xact_lock(hashtext('tenantdash-audit-prune:' || current_schema())) AS locked`,
          { type: QueryTypes.SELECT, transaction },
        );
        if (lock?.locked !== true) return null;
        return Number(
          await this.sequelize.query(sql, { replacements, type: QueryTypes.BULKDELETE, transaction }),
        );
      },
    );
  }
}
