import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Sequelize } from 'sequelize';
import { coalescingSocket } from '../shims/coalescing-socket.js';
import { sqliteDialectModule } from './sqlite-database.js';

export interface ConnectOptions {
  /** Most connections held open (PostgreSQL). */
  poolMax?: number;
}

/**
 * How long a query waits for a free connection, and a new connection for the server, before failing. Short,
 * so an unreachable database answers 503 within seconds instead of holding requests for Sequelize's 60 s.
 */
export const POOL_ACQUIRE_TIMEOUT_MS = 5000;
export const CONNECT_TIMEOUT_MS = 3000;

/** Opens the database named by a `sqlite:<path>` / `sqlite::memory:` (or `postgres://`) URL. */
export async function connect(databaseUrl: string, options: ConnectOptions = {}): Promise<Sequelize> {
  if (databaseUrl.startsWith('sqlite:')) {
    const storage = databaseUrl.slice('sqlite:'.length) || ':memory:';
    if (storage !== ':memory:') mkdirSync(dirname(storage), { recursive: true });
    // Each connection set up by the driver's Database class (busy timeout, synchronous=NORMAL).
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      dialectModule: sqliteDialectModule,
      storage,
      logging: false,
    });
    if (storage !== ':memory:') await sequelize.query('PRAGMA journal_mode=WAL');
    return sequelize;
  }
  // PostgreSQL (`postgres://` or `postgresql://`, validated by config): `pg`, Sequelize's UTC default, and
  // query parameters of the URL (e.g. `options=-c search_path=…`) passed on to the driver.
  return new Sequelize(databaseUrl.replace(/^postgresql:/, 'postgres:'), {
    dialect: 'postgres',
    logging: false,
    pool: { max: options.poolMax ?? 10, min: 0, acquire: POOL_ACQUIRE_TIMEOUT_MS, idle: 10_000 },
    // keepAlive: a connection cut by a network device is noticed instead of hanging until the OS gives up.
    // stream: each query's messages leave in one write (see shims/coalescing-socket.ts).
    dialectOptions: {
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      stream: coalescingSocket,
    },
  });
}

/**
 * The database named by DATABASE_URL cannot be opened: at start, one line naming the setting and why (a
 * system error's code or the database's own message), never the URL.
 */
export class DatabaseOpenError extends Error {
  readonly code = 'DATABASE_UNREACHABLE';
  constructor(reason: string) {
    super(`the database named by DATABASE_URL cannot be opened (${reason})`);
    this.name = 'DatabaseOpenError';
  }
}

function openFailure(error: unknown): string {
  // Sequelize wraps the driver's error (`parent`): ECONNREFUSED and the like by code, a server's refusal
  // (`database "x" does not exist`, a failed password) by its message.
  const cause = (error as { parent?: unknown }).parent ?? error;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return cause instanceof Error ? cause.message.split('\n')[0]! : 'unknown error';
}

/**
 * `connect`, then one round trip, so a database that cannot be reached fails here with a `DatabaseOpenError`
 * instead of later, deep in the migrations, with a driver's message. On PostgreSQL that round trip also checks
 * that the search_path names a schema that exists (the tables would have nowhere to go).
 */
export async function openDatabase(databaseUrl: string, options: ConnectOptions = {}): Promise<Sequelize> {
  let sequelize: Sequelize | undefined;
  try {
    sequelize = await connect(databaseUrl, options);
    if (sequelize.getDialect() === 'postgres') {
      // One round trip reaches the database and reads the schema its search_path names.
      const [rows] = await sequelize.query('SELECT current_schema() AS schema', { logging: false });
      if (((rows as Array<{ schema: string | null }>)[0]?.schema ?? null) === null) {
        throw new DatabaseOpenError('its search_path names no schema that exists: create the schema first');
      }
    } else await sequelize.authenticate({ logging: false });
    return sequelize;
  } catch (error) {
    await sequelize?.close().catch(() => undefined);
    throw error instanceof DatabaseOpenError ? error : new DatabaseOpenError(openFailure(error));
  }
}
