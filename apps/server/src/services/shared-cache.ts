/**
 * Short-lived caches of the token server, in this process or, with several instances, in Redis so they
 * share entries and, above all, invalidations: a tenant disabled through one instance stops getting tokens
 * from all of them at once, not after each one's cache has expired.
 *
 * Entries live in groups (a Redis hash each) so one write can drop every entry about a tenant. Each entry
 * carries its own expiry, checked on read: a hash's TTL is refreshed by every field written to it, so it
 * cannot bound each entry's age by itself. A cache failure is never the request's failure: a read that
 * fails is a miss (the caller goes to the source), a write that fails is skipped.
 */
import type { Redis } from 'ioredis';
import type { FailureLog } from './failure-log.js';

export interface SharedCache {
  /** The value, or undefined when absent or expired (or when the cache cannot be reached). */
  get<T>(group: string, field: string): Promise<T | undefined>;
  set(group: string, field: string, value: unknown, ttlMs: number): Promise<void>;
  /** Drops every entry of the group. */
  dropGroup(group: string): Promise<void>;
}

interface Entry {
  expires: number;
  value: unknown;
}

/** In this process: groups of entries, cleared whole when too many groups pile up. */
export class LocalCache implements SharedCache {
  private readonly groups = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly maxGroups = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(group: string, field: string): Promise<T | undefined> {
    const entry = this.groups.get(group)?.get(field);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.now()) {
      this.groups.get(group)?.delete(field);
      return undefined;
    }
    return entry.value as T;
  }

  async set(group: string, field: string, value: unknown, ttlMs: number): Promise<void> {
    let entries = this.groups.get(group);
    if (entries === undefined) {
      if (this.groups.size >= this.maxGroups) this.groups.clear();
      this.groups.set(group, (entries = new Map()));
    }
    entries.set(field, { expires: this.now() + ttlMs, value });
  }

  async dropGroup(group: string): Promise<void> {
    this.groups.delete(group);
  }

  /** Drops every entry. */
  clear(): void {
    this.groups.clear();
  }
}

/**
 * The Pub/Sub channel announcing dropped groups: `<prefix>cache:drop`. ioredis prefixes keys, never channel
 * names, so the prefix is added here (one Redis can serve several deployments).
 */
export function dropChannel(redis: Redis): string {
  return `${redis.options.keyPrefix ?? ''}cache:drop`;
}

/** In Redis: `<prefix>cache:<group>` hashes of `{ e: expiry ms, v: value }` JSON fields. */
export class RedisCache implements SharedCache {
  constructor(
    private readonly redis: Redis,
    private readonly onFailure: FailureLog,
    private readonly now: () => number = Date.now,
  ) {}

  private key(group: string): string {
    return `cache:${group}`;
  }

  async get<T>(group: string, field: string): Promise<T | undefined> {
    let text: string | null;
    try {
      text = await this.redis.hget(this.key(group), field);
    } catch (error) {
      this.onFailure(error);
      return undefined;
    }
    if (text === null) return undefined;
    const entry = JSON.parse(text) as { e: number; v: T };
    return entry.e > this.now() ? entry.v : undefined;
  }

  async set(group: string, field: string, value: unknown, ttlMs: number): Promise<void> {
    const key = this.key(group);
    try {
      await this.redis
        .multi()
        .hset(key, field, JSON.stringify({ e: this.now() + ttlMs, v: value }))
        .pexpire(key, ttlMs)
        .exec();
    } catch (error) {
      this.onFailure(error);
    }
  }

  /** Deletes the group's hash and announces the drop to every instance's MirroredCache, in one round trip. */
  async dropGroup(group: string): Promise<void> {
    try {
      await this.redis.multi().del(this.key(group)).publish(dropChannel(this.redis), group).exec();
    } catch (error) {
      // Its entries still expire on their own, within their TTL.
      this.onFailure(error);
    }
  }
}

/**
 * Entries kept in this process, dropped on every instance through Redis Pub/Sub: reads cost no round trip
 * (the token endpoint's tenant lookups; a shared hash cost an HGET per token request, ≈ half of the Redis
 * client's ≈ 19 % of a PostgreSQL + Redis instance's CPU in the scale-out bench profile, 2026-11-29).
 *
 * - `dropGroup` drops the group here, then deletes the shared hash and publishes the group's name
 *   (RedisCache.dropGroup: also what the operator CLI calls), in one MULTI; every subscribed instance drops
 *   it on receipt. Redis has sent the message to every subscriber before it handles any later command, and
 *   a token request reaches the lookup only after its rate-limit script came back from Redis: a request the
 *   write's answer can cause finds the drop applied (two TCP connections' bytes are not strictly ordered:
 *   the TTL bounds that, see below).
 * - Entries are used only while the subscription is live: from the confirmation of SUBSCRIBE (local
 *   entries cleared then: drops may have been missed before) until the subscriber's connection closes
 *   (cleared again). Without it every read is a miss, i.e. goes to the database, and nothing is stored.
 * - What is left: a lookup that read the database just before a write committed, or a drop published while
 *   the subscriber's connection was dying unnoticed, keeps an entry for at most its TTL (MINT_CACHE_TTL_MS),
 *   the bound the shared hash had. Likewise for drops made by instances of an older version during a rolling
 *   update (they only delete the hash).
 */
export class MirroredCache implements SharedCache {
  private readonly local: LocalCache;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private live = false;

  constructor(
    redis: Redis,
    private readonly shared: RedisCache,
    private readonly onFailure: FailureLog,
    now: () => number = Date.now,
    maxGroups?: number,
  ) {
    this.local = new LocalCache(maxGroups, now);
    this.channel = dropChannel(redis);
    // Its own connection (a subscribed connection runs no other command), resubscribed here, not by ioredis,
    // so that the entries are trusted again only once the subscription is confirmed.
    this.subscriber = redis.duplicate({ autoResubscribe: false, connectionName: 'tenantdash-cache-drops' });
    this.subscriber.on('message', (channel: string, group: string) => {
      if (channel === this.channel) void this.local.dropGroup(group);
    });
    this.subscriber.on('ready', () => void this.subscribe());
    this.subscriber.on('close', () => this.forget());
    // The main client's listener already logs connection errors; without one ioredis prints them itself.
    this.subscriber.on('error', () => undefined);
  }

  /** Whether entries are used (the subscription is confirmed and its connection open). */
  get subscribed(): boolean {
    return this.live;
  }

  /** Connects and subscribes; when Redis cannot be reached, reads go to the source until it can. */
  async start(): Promise<void> {
    try {
      await this.subscriber.connect();
    } catch {
      // ioredis keeps reconnecting; 'ready' subscribes then.
      return;
    }
    if (!this.live) await this.subscribe();
  }

  close(): void {
    this.forget();
    this.subscriber.disconnect();
  }

  private subscribing: Promise<void> | undefined;
  private subscribe(): Promise<void> {
    this.subscribing ??= this.subscriber
      .subscribe(this.channel)
      .then(
        () => {
          this.local.clear();
          this.live = this.subscriber.status === 'ready';
        },
        (error: unknown) => this.onFailure(error),
      )
      .finally(() => {
        this.subscribing = undefined;
      });
    return this.subscribing;
  }

  private forget(): void {
    this.live = false;
    this.local.clear();
  }

  async get<T>(group: string, field: string): Promise<T | undefined> {
    return this.live ? this.local.get<T>(group, field) : undefined;
  }

  async set(group: string, field: string, value: unknown, ttlMs: number): Promise<void> {
    if (this.live) await this.local.set(group, field, value, ttlMs);
  }

  async dropGroup(group: string): Promise<void> {
    await this.local.dropGroup(group);
    await this.shared.dropGroup(group);
  }
}
