import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Sequelize } from 'sequelize';

const BUSY_TIMEOUT_MS = 5000;

interface SqliteConnection {
  configure(option: 'busyTimeout', value: number): void;
  run(sql: string): void;
  tenantdashConfigured?: boolean;
}

/**
 * SQLite: Sequelize opens one connection per transaction, and node-sqlite3 fails at once on a locked
 * database. Each connection gets a busy timeout, so a write that meets a running transaction waits for
 * it instead of failing, and the file runs in WAL mode so readers never wait for writers.
 */
function configureSqlite(sequelize: Sequelize): void {
  const manager = (
    sequelize as unknown as {
      connectionManager: { getConnection(options?: unknown): Promise<SqliteConnection> };
    }
  ).connectionManager;
  const getConnection = manager.getConnection.bind(manager);
  manager.getConnection = async (options?: unknown) => {
    const connection = await getConnection(options);
    if (!connection.tenantdashConfigured) {
      connection.configure('busyTimeout', BUSY_TIMEOUT_MS);
      // With WAL, NORMAL is durable against process crashes and skips an fsync per commit.
      connection.run('PRAGMA synchronous=NORMAL');
      connection.tenantdashConfigured = true;
    }
    return connection;
  };
}

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
    const sequelize = new Sequelize({ dialect: 'sqlite', storage, logging: false });
    configureSqlite(sequelize);
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
    dialectOptions: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true },
  });
}
