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

  async dropGroup(group: string): Promise<void> {
    try {
      await this.redis.del(this.key(group));
    } catch (error) {
      // Its entries still expire on their own, within their TTL.
      this.onFailure(error);
    }
  }
}
