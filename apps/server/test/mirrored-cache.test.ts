/**
 * MirroredCache (the token endpoint's tenant lookups with Redis): entries in each process, dropped on every
 * instance through Redis Pub/Sub, trusted only while the subscription is live. Two caches stand for two
 * instances on one Redis (the machine's, under a prefix of this file's own).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { dropChannel, MirroredCache, RedisCache } from '../src/services/shared-cache.js';
import { dropRedisKeys, redisPrefix, SHARED_REDIS_URL } from './infra.js';

const prefix = redisPrefix();
const clients: Redis[] = [];
const caches: MirroredCache[] = [];

async function client(): Promise<Redis> {
  const redis = new Redis(SHARED_REDIS_URL, {
    keyPrefix: prefix,
    lazyConnect: true,
    enableOfflineQueue: false,
  });
  clients.push(redis);
  await redis.connect();
  return redis;
}

/** An instance's cache, subscribed. */
async function instance(failures: unknown[] = []): Promise<MirroredCache> {
  const redis = await client();
  const cache = new MirroredCache(redis, new RedisCache(redis, () => undefined), (error) =>
    failures.push(error),
  );
  caches.push(cache);
  await cache.start();
  expect(cache.subscribed).toBe(true);
  return cache;
}

/** The cache's subscriber connection (private): to wait for what Redis sent it, and to cut it. */
const subscriberOf = (cache: MirroredCache) => (cache as unknown as { subscriber: Redis }).subscriber;

/**
 * Resolves once the cache has handled every message published before this call: Redis answers the
 * subscriber's PING after the messages already queued on that connection, and ioredis handles them in order.
 */
const delivered = (cache: MirroredCache) => subscriberOf(cache).ping();

afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
  for (const redis of clients.splice(0)) redis.disconnect();
});
afterAll(async () => {
  await dropRedisKeys(prefix);
});

describe('MirroredCache', () => {
  it('serves entries from the process: a read sends Redis no command', async () => {
    const cache = await instance();
    await cache.set('mint:acme', '', { disabled: false }, 60_000);
    const redis = clients[0]!;
    const sent = vi.spyOn(redis, 'sendCommand');
    expect(await cache.get('mint:acme', '')).toEqual({ disabled: false });
    expect(sent).not.toHaveBeenCalled();
  });

  it('drops a group on every instance, and nothing else, when one instance drops it', async () => {
    const [a, b] = [await instance(), await instance()];
    for (const cache of [a, b]) {
      await cache.set('mint:acme', '', 'acme default', 60_000);
      await cache.set('mint:acme', 'dash-2', 'acme dash-2', 60_000);
      await cache.set('mint:other', '', 'other default', 60_000);
    }
    await a.dropGroup('mint:acme');
    await delivered(b);
    for (const cache of [a, b]) {
      expect([
        await cache.get('mint:acme', ''),
        await cache.get('mint:acme', 'dash-2'),
        await cache.get('mint:other', ''),
      ]).toEqual([undefined, undefined, 'other default']);
    }
  });

  it('hears drops published by RedisCache alone (what the operator CLI uses), on its prefixed channel', async () => {
    const b = await instance();
    await b.set('mint:cli', '', 'cached', 60_000);
    const cli = await client();
    await new RedisCache(cli, () => undefined).dropGroup('mint:cli');
    await delivered(b);
    expect(await b.get('mint:cli', '')).toBeUndefined();
    expect(dropChannel(cli)).toBe(`${prefix}cache:drop`);
  });

  it('ignores the same message on another prefix', async () => {
    const b = await instance();
    await b.set('mint:acme', '', 'cached', 60_000);
    const other = new Redis(SHARED_REDIS_URL, { keyPrefix: `${prefix}other:`, lazyConnect: true });
    clients.push(other);
    await other.connect();
    await new RedisCache(other, () => undefined).dropGroup('mint:acme');
    await delivered(b);
    expect(await b.get('mint:acme', '')).toBe('cached');
  });

  it('while its subscription is down: every read is a miss and nothing is stored; entries are trusted again once resubscribed, none from before', async () => {
    const a = await instance();
    const b = await instance();
    await b.set('mint:acme', '', 'before the cut', 60_000);
    const subscriber = subscriberOf(b);
    const closed = new Promise((resolve) => subscriber.once('close', resolve));
    const ready = new Promise((resolve) => subscriber.once('ready', resolve));
    // Cut by the client, which reconnects by itself (ioredis' public `disconnect(reconnect)`).
    subscriber.disconnect(true);
    await closed;
    expect(b.subscribed).toBe(false);
    // Both decided at the call, before the reconnection can begin.
    const [read] = await Promise.all([b.get('mint:acme', ''), b.set('mint:acme', '', 'while down', 60_000)]);
    expect(read).toBeUndefined();
    // A drop published while b cannot hear it.
    await a.dropGroup('mint:acme');
    await ready;
    await vi.waitFor(() => expect(b.subscribed).toBe(true));
    expect(await b.get('mint:acme', '')).toBeUndefined();
    await b.set('mint:acme', '', 'after', 60_000);
    expect(await b.get('mint:acme', '')).toBe('after');
    // And it hears drops again.
    await a.dropGroup('mint:acme');
    await delivered(b);
    expect(await b.get('mint:acme', '')).toBeUndefined();
  });

  it('keeps each entry no longer than its TTL', async () => {
    let clock = 1_000_000;
    const redis = await client();
    const cache = new MirroredCache(
      redis,
      new RedisCache(redis, () => undefined),
      () => undefined,
      () => clock,
    );
    caches.push(cache);
    await cache.start();
    await cache.set('mint:acme', '', 'cached', 2_000);
    clock += 1_999;
    expect(await cache.get('mint:acme', '')).toBe('cached');
    clock += 1;
    expect(await cache.get('mint:acme', '')).toBeUndefined();
  });

  it('starts without Redis: reads go to the source, nothing is stored', async () => {
    const redis = new Redis('redis://127.0.0.1:1', {
      keyPrefix: prefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    clients.push(redis);
    const cache = new MirroredCache(redis, new RedisCache(redis, () => undefined), () => undefined);
    caches.push(cache);
    await cache.start();
    expect(cache.subscribed).toBe(false);
    await cache.set('mint:acme', '', 'never stored', 60_000);
    expect(await cache.get('mint:acme', '')).toBeUndefined();
  });
});
