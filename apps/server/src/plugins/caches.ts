/**
 * The token server's short-lived caches, exposed as `fastify.caches` (see services/shared-cache.ts):
 * - `mint`: the token endpoint's lookups (tenant, dashboard), kept in this process and, with Redis, dropped on
 *   every instance at once through Pub/Sub when a tenant or dashboard changes;
 * - `usage`: Papermap usage reports, in Redis (shared by the instances) or in this process.
 * A Redis failure is never the request's: it is logged (throttled), counted, and the source is read instead.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { RedisUse } from './metrics.js';
import { failureLog, type FailureLog } from '../services/failure-log.js';
import { LocalCache, MirroredCache, RedisCache, type SharedCache } from '../services/shared-cache.js';
import { MAX_LOCAL_USAGE_ENTRIES } from '../services/usage.js';

declare module 'fastify' {
  interface FastifyInstance {
    caches: Caches;
  }
}

export interface Caches {
  readonly mint: SharedCache;
  readonly usage: SharedCache;
}

export interface CachesPluginOptions {
  /** Clock for the entries' expiry. */
  now: () => number;
}

/** A Redis failure of `use`: logged (throttled) and counted in the metrics. */
export function redisFailure(fastify: FastifyInstance, use: RedisUse, message: string): FailureLog {
  const log = failureLog(fastify.log, message);
  return (error: unknown) => {
    log(error);
    fastify.telemetry.countRedisFailure(use);
  };
}

export default fp<CachesPluginOptions>(
  async (fastify, { now }) => {
    const redis = fastify.redis;
    if (!redis) {
      fastify.decorate('caches', {
        mint: new LocalCache(undefined, now),
        usage: new LocalCache(MAX_LOCAL_USAGE_ENTRIES, now),
      } satisfies Caches);
      return;
    }
    const shared = new RedisCache(
      redis,
      redisFailure(fastify, 'cache', 'cache unreachable: reading from the source'),
      now,
    );
    const mint = new MirroredCache(
      redis,
      shared,
      redisFailure(fastify, 'cache', 'cache drops unreachable: reading from the source'),
      now,
    );
    await mint.start();
    fastify.addHook('onClose', async () => mint.close());
    fastify.decorate('caches', { mint, usage: shared } satisfies Caches);
  },
  { name: 'tenantdash-caches', fastify: '5.x', dependencies: ['tenantdash-redis', 'tenantdash-metrics'] },
);
