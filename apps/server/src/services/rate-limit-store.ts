/**
 * Rate-limit counters shared by every instance, in Redis. The counting is @fastify/rate-limit's own Redis
 * store (an atomic INCR + PEXPIRE script per hit); this wrapper decides what a hit means when Redis cannot
 * answer, which is a deployment's choice (`RATE_LIMIT_FAIL_OPEN`):
 * - closed (default): the request is refused with 503 RATE_LIMIT_UNAVAILABLE and a Retry-After, because an
 *   unlimited token endpoint is what an attacker waits for;
 * - open: the request goes through uncounted, and the outage is logged (throttled) so it is not silent.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';
import { apiError } from '../errors.js';
import type { FailureLog } from './failure-log.js';

export const rateLimitUnavailable = () => apiError('RATE_LIMIT_UNAVAILABLE');

type Increment = FastifyRateLimitStore['incr'];
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

/** What the library hands a store's `child`: the limiter's merged options, whatever its types say. */
interface LimiterParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  groupId?: string;
  routeInfo?: { method?: string; url?: string };
}

export interface SharedRateLimitOptions {
  failOpen: boolean;
  onFailure: FailureLog;
}

/** A store class for @fastify/rate-limit's `store` option, counting in `redis` (keys under `rate:`). */
export function sharedRateLimitStore(
  redis: Redis,
  { failOpen, onFailure }: SharedRateLimitOptions,
): FastifyRateLimitStoreCtor {
  class SharedRateLimitStore implements FastifyRateLimitStore {
    private readonly counter: FastifyRateLimitStore;

    constructor(options: LimiterParams, counter?: FastifyRateLimitStore) {
      this.counter =
        counter ??
        new RedisStore(
          options.continueExceeding === true,
          options.exponentialBackoff === true,
          redis,
          'rate:',
        );
    }

    incr(...[key, callback, timeWindow, max]: Parameters<Increment>): void {
      this.counter.incr(
        key,
        (error, result) => {
          if (!error) return callback(null, result);
          onFailure(error);
          if (failOpen) return callback(null, { current: 0, ttl: timeWindow });
          callback(rateLimitUnavailable());
        },
        timeWindow,
        max,
      );
    }

    /**
     * Per-route limiters count apart from the global one: the library keys them by method and URL. A limiter
     * made with `fastify.rateLimit()` comes without a route, which would key it `undefinedundefined-`; it is
     * keyed by its `groupId` instead (the token endpoint's: `rate:iframe-token-…`).
     */
    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      const params = routeOptions as unknown as LimiterParams;
      const named =
        params.routeInfo?.method === undefined && params.groupId !== undefined
          ? { ...params, routeInfo: { method: '', url: params.groupId } }
          : params;
      return new SharedRateLimitStore(named, this.counter.child(named as unknown as RouteOptions));
    }
  }
  return SharedRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
