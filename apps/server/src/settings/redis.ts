/** Redis, shared by several instances (rate-limit counters, caches); optional. */
import { type Env, integer, read, SettingError } from './read.js';

export interface RedisConfig {
  url: string;
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix: string;
  /** A command not answered by then fails (a hung Redis must not hang requests). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

/** `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS), with its prefix and timeouts. */
export function redisSettings(env: Env): { redis?: RedisConfig } {
  const text = read(env, 'REDIS_URL');
  if (text === undefined) return {};
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingError('REDIS_URL', 'is not a valid redis:// URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new SettingError('REDIS_URL', 'must start with redis:// or rediss://');
  if (url.hostname === '') throw new SettingError('REDIS_URL', 'needs a host (redis://host:port)');
  if (!/^(\/\d{0,2})?$/.test(url.pathname))
    throw new SettingError('REDIS_URL', 'may only name a database number (redis://host:port/0)');
  const keyPrefix = read(env, 'REDIS_KEY_PREFIX') ?? 'tenantdash:';
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(keyPrefix))
    throw new SettingError('REDIS_KEY_PREFIX', 'must be 1 to 64 characters of A-Z a-z 0-9 . _ : -');
  return {
    redis: {
      url: text,
      keyPrefix,
      commandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 500, 10, 60_000),
      connectTimeoutMs: integer(env, 'REDIS_CONNECT_TIMEOUT_MS', 2000, 100, 60_000),
    },
  };
}
