/**
 * The sqlite3 driver Sequelize is given (its public `dialectModule` option): sqlite3 itself, with a Database
 * class that sets every connection up as the server needs it and keeps the audit writer's prepared statements.
 *
 * Sequelize opens one connection for queries outside transactions and one per transaction, and node-sqlite3
 * fails at once on a locked database: each connection gets a busy timeout, so a write that meets a running
 * transaction waits for it instead of failing. With WAL (set by `connect`), synchronous=NORMAL is durable
 * against process crashes and skips an fsync per commit.
 */
import sqlite3 from 'sqlite3';

export const BUSY_TIMEOUT_MS = 5000;

interface PreparedEntry {
  statement: sqlite3.Statement;
  ready: Promise<sqlite3.Statement>;
}

export class SqliteDatabase extends sqlite3.Database {
  private readonly prepared = new Map<string, PreparedEntry>();

  constructor(filename: string, mode?: number, callback?: (error: Error | null) => void) {
    super(filename, mode ?? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, callback);
    // Queued by node-sqlite3 until the file is open; a failed open is reported to `callback`.
    this.configure('busyTimeout', BUSY_TIMEOUT_MS);
    this.run('PRAGMA synchronous=NORMAL', () => undefined);
  }

  /**
   * `sql` prepared once on this connection and kept (a failed prepare is not kept). `Database#run` prepares,
   * runs and finalizes: three trips through the thread pool where a kept statement needs one.
   */
  preparedStatement(sql: string): Promise<sqlite3.Statement> {
    let entry = this.prepared.get(sql);
    if (entry === undefined) {
      let settle!: (error: Error | null) => void;
      const ready = new Promise<sqlite3.Statement>((resolve, reject) => {
        settle = (error) => {
          if (!error) return resolve(statement);
          if (this.prepared.get(sql)?.statement === statement) this.prepared.delete(sql);
          reject(error);
        };
      });
      const statement = this.prepare(sql, (error: Error | null) => settle(error));
      this.prepared.set(sql, (entry = { statement, ready }));
    }
    return entry.ready;
  }

  /**
   * sqlite3 refuses to close a connection that still has unfinalized statements: the kept ones are finalized
   * first. node-sqlite3 runs a finalize after the statement's queued work and before the close, which waits
   * for all pending work.
   */
  override close(callback?: (error: Error | null) => void): void {
    for (const { statement } of this.prepared.values()) statement.finalize();
    this.prepared.clear();
    super.close(callback);
  }
}

/** sqlite3 with `SqliteDatabase` as its Database, for Sequelize's `dialectModule`. */
export const sqliteDialectModule = { ...sqlite3, Database: SqliteDatabase };
