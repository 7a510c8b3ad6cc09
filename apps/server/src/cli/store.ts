/** The database (and, for writes, the instances' shared cache) for one CLI command, closed when it is done. */
import type { Sequelize } from 'sequelize';
import { openDatabase } from '../db/connect.js';
import { migrate } from '../db/migrations.js';
import { defineModels } from '../db/models.js';
import { redisClient } from '../plugins/redis.js';
import type { DatabaseSettings } from '../settings/database.js';
import type { RedisConfig } from '../settings/redis.js';
import { RedisCache, type SharedCache } from '../services/shared-cache.js';
import { Store } from '../services/store.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function withDatabase<T>(
  database: DatabaseSettings,
  run: (sequelize: Sequelize) => Promise<T>,
): Promise<T> {
  const sequelize = await openDatabase(database.databaseUrl, { poolMax: database.databasePoolMax });
  try {
    return await run(sequelize);
  } finally {
    await sequelize.close();
  }
}

/**
 * With `REDIS_URL`, the instances' shared cache, so a tenant provisioned here is seen by every running
 * instance at once; without Redis reachable the command still runs (their cached lookups of this tenant
 * expire within MINT_CACHE_TTL_MS) and says so.
 */
async function sharedCache(redis: RedisConfig | undefined, io: CliIo) {
  if (!redis) return { close: () => undefined };
  const client = redisClient({ ...redis, connectTimeoutMs: Math.min(redis.connectTimeoutMs, 2000) });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    client.disconnect();
    io.err('warning: Redis not reachable; running instances see this change within MINT_CACHE_TTL_MS');
    return { close: () => undefined };
  }
  const cache: SharedCache = new RedisCache(client, () => undefined);
  return { cache, close: () => client.disconnect() };
}

/** The store on a migrated database; `redis` when the command changes what running instances cache. */
export async function withStore<T>(
  database: DatabaseSettings,
  io: CliIo,
  run: (store: Store) => Promise<T>,
  redis?: RedisConfig,
): Promise<T> {
  return withDatabase(database, async (sequelize) => {
    const shared = await sharedCache(redis, io);
    try {
      await migrate(sequelize);
      const store = new Store(
        sequelize,
        defineModels(sequelize),
        shared.cache ? { cache: shared.cache } : {},
      );
      return await run(store);
    } finally {
      shared.close();
    }
  });
}
