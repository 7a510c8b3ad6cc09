/** The pieces behind the scale-out mode, one at a time: caches, throttled failure logs, error triage. */
import { ConnectionRefusedError, DatabaseError, UniqueConstraintError } from 'sequelize';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnavailable } from '../src/db/unavailable.js';
import { reconnectDelayMs } from '../src/plugins/redis.js';
import { failureLog } from '../src/services/failure-log.js';
import { LocalCache, RedisCache, type SharedCache } from '../src/services/shared-cache.js';
import { dropRedisKeys, redisPrefix, SHARED_REDIS_URL } from './infra.js';

let clock = 1_000_000;
const now = () => clock;

const prefix = redisPrefix();
let redis: Redis;
beforeAll(async () => {
  redis = new Redis(SHARED_REDIS_URL, { keyPrefix: prefix, lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  redis?.disconnect();
  await dropRedisKeys(prefix);
});

const implementations: [string, () => SharedCache][] = [
  ['LocalCache', () => new LocalCache(100, now)],
  ['RedisCache', () => new RedisCache(redis, () => undefined, now)],
];

describe.each(implementations)('%s', (_name, make) => {
  it('answers a value until its own TTL has passed, then a miss', async () => {
    const cache = make();
    const group = `g-${Math.random()}`;
    await cache.set(group, 'a', { tenant: 'acme', n: 1 }, 1000);
    clock += 600;
    // A later entry in the same group does not extend the earlier one's life.
    await cache.set(group, 'b', null, 1000);
    expect(await cache.get(group, 'a')).toEqual({ tenant: 'acme', n: 1 });
    expect(await cache.get(group, 'b')).toBeNull();
    clock += 400;
    expect(await cache.get(group, 'a')).toBeUndefined();
    expect(await cache.get(group, 'b')).toBeNull();
    clock += 600;
    expect(await cache.get(group, 'b')).toBeUndefined();
  });

  it('drops a whole group and nothing else', async () => {
    const cache = make();
    await cache.set('mint:t1', '', 1, 10_000);
    await cache.set('mint:t1', 'd1', 2, 10_000);
    await cache.set('mint:t2', '', 3, 10_000);
    await cache.dropGroup('mint:t1');
    expect(await cache.get('mint:t1', '')).toBeUndefined();
    expect(await cache.get('mint:t1', 'd1')).toBeUndefined();
    expect(await cache.get('mint:t2', '')).toBe(3);
  });
});

describe('RedisCache when Redis cannot answer', () => {
  it('reads as a miss, skips writes and reports each failure', async () => {
    const offline = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const failures: unknown[] = [];
    const cache = new RedisCache(offline, (error) => failures.push(error), now);
    expect(await cache.get('mint:t', '')).toBeUndefined();
    await cache.set('mint:t', '', 1, 1000);
    await cache.dropGroup('mint:t');
    expect(failures).toHaveLength(3);
    offline.disconnect();
  });
});

describe('LocalCache bounds', () => {
  it('starts over when the number of groups reaches its limit', async () => {
    const cache = new LocalCache(2, now);
    await cache.set('a', 'f', 1, 1000);
    await cache.set('b', 'f', 2, 1000);
    await cache.set('c', 'f', 3, 1000);
    expect(await cache.get('a', 'f')).toBeUndefined();
    expect(await cache.get('c', 'f')).toBe(3);
  });
});

describe('failureLog', () => {
  it('logs the first failure, then one line per interval with the count folded into it', () => {
    const warn = vi.fn();
    let at = 0;
    const log = failureLog({ warn } as never, 'redis down', 10_000, () => at);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    log(refused);
    at = 5_000;
    log(refused);
    log(new Error('Connection is closed.'));
    at = 10_000;
    log(refused);
    expect(warn.mock.calls).toEqual([
      [{ failure: 'ECONNREFUSED', similar_since_last: 0 }, 'redis down'],
      [{ failure: 'ECONNREFUSED', similar_since_last: 2 }, 'redis down'],
    ]);
  });
});

describe('reconnectDelayMs', () => {
  it('backs off from 100 ms to every 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });
});

describe('isDatabaseUnavailable', () => {
  const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it.each([
    ['a refused connection', new ConnectionRefusedError(pgError('ECONNREFUSED'))],
    ['an administrator ending the session', new DatabaseError(pgError('57P01') as never)],
    ['a connection failure class 08', new DatabaseError(pgError('08006') as never)],
    [
      'a connection cut mid-query',
      new DatabaseError(new Error('Connection terminated unexpectedly') as never),
    ],
    ['a raw socket reset', pgError('ECONNRESET')],
    ['SQLite busy past the timeout', pgError('SQLITE_BUSY')],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
  it.each([
    ['a syntax error', new DatabaseError(pgError('42601') as never)],
    ['a unique violation', new UniqueConstraintError({})],
    ['a plain bug', new TypeError('x is undefined')],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
