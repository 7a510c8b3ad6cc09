/** Where the data lives: the only settings `migrate`, `list-tenants` and `audit` need. */
import { type Env, integer, read, SettingError } from './read.js';

export interface DatabaseSettings {
  databaseUrl: string;
  /**
   * Connections per instance (PostgreSQL; at least 2, see db/migrations.ts); several instances multiply it
   * against the database server's connection limit.
   */
  databasePoolMax: number;
}

const DEFAULT_DATABASE_URL = 'sqlite:./data/tenantdash.sqlite';

export function databaseSettings(env: Env): DatabaseSettings {
  const databaseUrl = read(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL;
  const databasePoolMax = integer(env, 'DATABASE_POOL_MAX', 10, 2, 100);
  checkDatabaseUrl(databaseUrl);
  return { databaseUrl, databasePoolMax };
}

/** `sqlite:<file>` / `sqlite::memory:`, or `postgres://[user[:password]@]host[:port]/database[?…]`. */
function checkDatabaseUrl(value: string): void {
  if (value.startsWith('sqlite:')) return;
  if (!/^postgres(ql)?:/.test(value)) {
    throw new SettingError('DATABASE_URL', 'must start with sqlite: or postgres:// (postgresql://)');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingError('DATABASE_URL', 'is not a valid postgres:// URL');
  }
  if (!url.href.startsWith(`${url.protocol}//`) || url.hostname === '') {
    throw new SettingError('DATABASE_URL', 'needs a host (postgres://user@host:port/database)');
  }
  if (url.pathname.length <= 1 || url.pathname.slice(1).includes('/')) {
    throw new SettingError('DATABASE_URL', 'needs a database name (postgres://user@host:port/database)');
  }
}
