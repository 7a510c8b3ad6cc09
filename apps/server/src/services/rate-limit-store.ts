/**
 * Rate-limit counters shared by every instance, in Redis: a store for @fastify/rate-limit's documented `store`
 * option (`incr` and `child`), counting with one Lua script per round trip through ioredis' public
 * `defineCommand`. What a hit means when Redis cannot answer is a deployment's choice (`RATE_LIMIT_FAIL_OPEN`):
 * - closed (default): the request is refused with 503 RATE_LIMIT_UNAVAILABLE and a Retry-After, because an
 *   unlimited token endpoint is what an attacker waits for;
 * - open: the request goes through uncounted, and the outage is logged (throttled) so it is not silent.
 *
 * Leases. A key that is busy on one instance (many requests of one user, or one address, within a window)
 * takes its permits from Redis in blocks: the script adds the whole block to the shared counter at once and
 * never past the limit, and the instance hands the permits out locally, so the sum over all instances still
 * never exceeds the limit. The price: a request may be refused on one instance while another still holds
 * unused permits of the same window, at most `leaseCap(max)` per other instance (a tenth of the limit, never
 * more than LEASE_MAX_PERMITS; none below 20, so small limits count exactly as one counter would). The first
 * request of a key in a window always asks for one permit; each refill doubles, up to the cap.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { apiError } from '../errors.js';
import type { FailureLog } from './failure-log.js';

export const rateLimitUnavailable = () => apiError('RATE_LIMIT_UNAVAILABLE');

/** Share of a limit one instance may hold unused, and the most permits one lease carries. */
export const LEASE_SHARE = 0.1;
export const LEASE_MAX_PERMITS = 64;
/** Leased keys an instance remembers before it forgets the expired ones (then all: a lease may be dropped). */
export const MAX_LEASED_KEYS = 10_000;

/** The most permits one instance may lease at once for a limit of `max` (1: no lease, one count a request). */
export function leaseCap(max: number): number {
  return Math.max(1, Math.min(LEASE_MAX_PERMITS, Math.floor(max * LEASE_SHARE)));
}

/** Permits to ask for: one for a key new in its window, then twice the last lease, up to the cap. */
export function leaseSize(lastSize: number | undefined, max: number): number {
  return lastSize === undefined ? 1 : Math.min(leaseCap(max), lastSize * 2);
}

// Adds `want` permits to the counter (fewer if fewer are left below `max`; one when none are, which counts the
// refusal as the library's own script does), starts the window on a new key, and answers the counter, the
// window's time left and the permits added. continueExceeding and exponentialBackoff as @fastify/rate-limit's
// Redis store applies them.
const LEASE_SCRIPT = `
local key = KEYS[1]
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local continueExceeding = ARGV[4] == '1'
local exponentialBackoff = ARGV[5] == '1'
local grant = 1
if want > 1 then
  local held = tonumber(redis.call('GET', key) or '0')
  grant = math.max(1, math.min(want, max - held))
end
local current = redis.call('INCRBY', key, grant)
if current == grant or (continueExceeding and current > max) then
  redis.call('PEXPIRE', key, window)
elseif exponentialBackoff and current > max then
  window = math.min(window * (2 ^ (current - max - 1)), (2 ^ 53) - 1)
  redis.call('PEXPIRE', key, window)
else
  window = redis.call('PTTL', key)
end
return {current, window, grant}
`;

const COMMAND = 'tenantdashRateLimit';

type LeaseReply = [current: number, ttl: number, grant: number];

interface LeasingRedis extends Redis {
  [COMMAND](
    key: string,
    windowMs: number,
    max: number,
    want: number,
    continueExceeding: '0' | '1',
    exponentialBackoff: '0' | '1',
    callback: (error: Error | null | undefined, reply?: LeaseReply) => void,
  ): void;
}

type Increment = FastifyRateLimitStore['incr'];
type Callback = Parameters<Increment>[1];
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

/** What the library hands a store's constructor and `child`: the limiter's merged options. */
interface LimiterParams {
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  groupId?: string;
  routeInfo?: { method?: string; url?: string };
}

interface Waiter {
  callback: Callback;
  timeWindow: number;
  max: number;
}

/** One key's permits on this instance: positions `next`…`last` of the shared counter, until `expiresAt`. */
interface Lease {
  next: number;
  last: number;
  expiresAt: number;
  size: number | undefined;
  /** Requests waiting for the lease asked for (defined while one is in flight). */
  waiting: Waiter[] | undefined;
}

export interface SharedRateLimitOptions {
  failOpen: boolean;
  onFailure: FailureLog;
}

const flag = (value: boolean | undefined) => (value === true ? '1' : '0');

/** A store class for @fastify/rate-limit's `store` option, counting in `redis` (keys under `rate:`). */
export function sharedRateLimitStore(
  redis: Redis,
  { failOpen, onFailure }: SharedRateLimitOptions,
): FastifyRateLimitStoreCtor {
  const client = redis as LeasingRedis;
  if (typeof client[COMMAND] !== 'function')
    client.defineCommand(COMMAND, { numberOfKeys: 1, lua: LEASE_SCRIPT });
  // Redis' clock counts the window; the lease's end is taken from its answer, on a clock that never jumps.
  const now = () => performance.now();

  class SharedRateLimitStore implements FastifyRateLimitStore {
    private readonly leases = new Map<string, Lease>();
    private readonly continueExceeding: boolean;
    private readonly exponentialBackoff: boolean;

    constructor(
      options: LimiterParams,
      private readonly prefix = 'rate:',
    ) {
      this.continueExceeding = options.continueExceeding === true;
      this.exponentialBackoff = options.exponentialBackoff === true;
    }

    incr(...[key, callback, timeWindow, max]: Parameters<Increment>): void {
      const cap = this.continueExceeding || this.exponentialBackoff ? 1 : leaseCap(max);
      if (cap === 1) return this.count(key, [{ callback, timeWindow, max }], 1);
      const lease = this.leases.get(key);
      if (lease?.waiting) {
        lease.waiting.push({ callback, timeWindow, max });
        return;
      }
      // Leased permits are used only while the connection is up, so an outage answers as documented at once.
      if (
        lease !== undefined &&
        lease.next <= lease.last &&
        lease.expiresAt > now() &&
        client.status === 'ready'
      ) {
        const current = lease.next++;
        const ttl = Math.max(0, Math.round(lease.expiresAt - now()));
        // One event-loop turn, as a round trip would take: a cache drop that reached the Pub/Sub socket before
        // this request is applied before its lookup (see services/shared-cache.ts).
        setImmediate(callback, null, { current, ttl });
        return;
      }
      this.lease(key, lease, [{ callback, timeWindow, max }], cap);
    }

    /** Asks Redis for a lease for `waiters` (all of one key) and serves them from it. */
    private lease(key: string, known: Lease | undefined, waiters: Waiter[], cap: number): void {
      const { max } = waiters[0]!;
      const inWindow = known !== undefined && known.expiresAt > now();
      const want = Math.min(cap, Math.max(waiters.length, leaseSize(inWindow ? known.size : undefined, max)));
      if (this.leases.size >= MAX_LEASED_KEYS && known === undefined) this.forgetExpired();
      const lease: Lease = known ?? { next: 1, last: 0, expiresAt: 0, size: undefined, waiting: undefined };
      lease.waiting = waiters;
      this.leases.set(key, lease);
      this.count(key, waiters, want, (current, ttl, grant) => {
        const waiting = lease.waiting ?? [];
        lease.waiting = undefined;
        lease.size = grant;
        lease.next = current - grant + 1;
        lease.last = Math.min(current, max);
        lease.expiresAt = now() + ttl;
        let served = 0;
        while (served < waiting.length && lease.next <= current) {
          waiting[served++]!.callback(null, { current: lease.next++, ttl });
        }
        if (served < waiting.length) this.lease(key, lease, waiting.slice(served), cap);
      });
    }

    /**
     * One round trip adding `want` permits; `serve` gets the answer, or without it the waiters are answered
     * one count each (no lease). A failure answers every waiter as the deployment chose.
     */
    private count(
      key: string,
      waiters: Waiter[],
      want: number,
      serve?: (current: number, ttl: number, grant: number) => void,
    ): void {
      const { timeWindow, max } = waiters[0]!;
      client[COMMAND](
        this.prefix + key,
        timeWindow,
        max,
        want,
        flag(this.continueExceeding),
        flag(this.exponentialBackoff),
        (error, reply) => {
          if (error || !reply) {
            if (serve) this.leases.delete(key);
            for (const waiter of waiters) this.fail(waiter, error ?? new Error('empty rate-limit reply'));
            return;
          }
          const [current, ttl, grant] = reply;
          if (serve) return serve(current, ttl, grant);
          waiters[0]!.callback(null, { current, ttl });
        },
      );
    }

    private fail({ callback, timeWindow }: Waiter, error: Error): void {
      onFailure(error);
      if (failOpen) return callback(null, { current: 0, ttl: timeWindow });
      callback(rateLimitUnavailable());
    }

    private forgetExpired(): void {
      const time = now();
      for (const [key, lease] of this.leases) {
        if (!lease.waiting && lease.expiresAt <= time) this.leases.delete(key);
      }
      if (this.leases.size < MAX_LEASED_KEYS) return;
      for (const [key, lease] of this.leases) if (!lease.waiting) this.leases.delete(key);
    }

    /**
     * Per-route limiters count apart from the global one, keyed by method and URL as the library's own
     * stores do. A limiter made with `fastify.rateLimit()` comes without a route and is keyed by its
     * `groupId` instead (the token endpoint's: `rate:iframe-token-…`).
     */
    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      const params = routeOptions as unknown as LimiterParams;
      const method = params.routeInfo?.method;
      const name =
        method === undefined && params.groupId !== undefined
          ? params.groupId
          : `${method ?? ''}${params.routeInfo?.url ?? ''}`;
      return new SharedRateLimitStore(params, `${this.prefix}${name}-`);
    }
  }
  return SharedRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
