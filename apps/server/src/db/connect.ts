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
