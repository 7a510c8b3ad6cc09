/**
 * Redis, when `REDIS_URL` is set: where several instances keep their rate-limit counters and caches
 * (`fastify.redis`; null without it, and everything stays in the process). Every key goes under the
 * configured prefix.
 *
 * ioredis reconnects by itself after Redis goes away; while it is away, commands fail at once (no offline
 * queue: a request must not wait for a reconnection that may take minutes), and a command that gets no
 * answer fails after `commandTimeoutMs`. Each user of the client then applies its documented fallback (see
 * services/rate-limit-store.ts and services/shared-cache.ts).
 *
 * Boot: an unreachable Redis stops the start with a clear message, unless rate limits fail open, in which
 * case the instance starts without it and picks it up when it comes.
 */
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { RedisConfig } from '../config.js';
import { failureKind, failureLog } from '../services/failure-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis | null;
  }
}

export interface RedisPluginOptions {
  redis?: RedisConfig;
  /** Start even when Redis cannot be reached (the deployment chose to fail open). */
  startWithoutRedis: boolean;
}

/** Reconnection back-off: quick at first, then every 2 s for as long as it takes. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), 2000);
}

/** A client for the shared state, not connected yet (`connect()`): see above for why these options. */
export function redisClient(config: RedisConfig): Redis {
  return new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    retryStrategy: reconnectDelayMs,
    connectionName: 'tenantdash',
  });
}

export class RedisUnreachableError extends Error {
  readonly code = 'REDIS_UNREACHABLE';
  constructor(kind: string) {
    super(`REDIS_URL: Redis cannot be reached (${kind})`);
    this.name = 'RedisUnreachableError';
  }
}

export default fp<RedisPluginOptions>(
  async (fastify, options) => {
    const config = options.redis;
    if (!config) {
      fastify.decorate('redis', null);
      return;
    }
    const client = redisClient(config);
    // Without a listener ioredis prints every connection error to stderr itself.
    const warn = failureLog(fastify.log, 'redis connection error');
    // connect() itself rejects with a bare "Connection is closed": the socket's error says why.
    let lastError: unknown;
    client.on('error', (error) => {
      lastError = error;
      warn(error);
    });
    let lost = false;
    client.on('close', () => {
      if (!lost && client.status !== 'end') fastify.log.warn('redis connection lost, reconnecting');
      lost = true;
    });
    client.on('ready', () => {
      if (lost) fastify.log.info('redis connection restored');
      lost = false;
    });
    try {
      await client.connect();
    } catch (error) {
      if (!options.startWithoutRedis) {
        client.disconnect();
        throw new RedisUnreachableError(failureKind(lastError ?? error));
      }
      fastify.log.warn(
        { failure: failureKind(lastError ?? error) },
        'redis not reachable at start; rate limits fail open',
      );
    }
    fastify.decorate('redis', client);
    fastify.addHook('onClose', async () => {
      // QUIT waits for commands in flight; when the connection is down there is nothing to wait for.
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    });
  },
  { name: 'tenantdash-redis', fastify: '5.x' },
);
