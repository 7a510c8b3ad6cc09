/**
 * The server's settings, read and validated once. `loadConfig` (and the per-area readers in `settings/`, which
 * CLI commands use to ask only for what they need) are the only code that looks at the environment; everything
 * else receives the typed, frozen `ServerConfig`. A bad setting throws a `SettingError` whose one-line message
 * names the variable and the problem, never the value (it may be a secret).
 */
import { auditSettings, type AuditSettings } from './settings/audit.js';
import { authSettings, type AuthSettings } from './settings/auth.js';
import { databaseSettings } from './settings/database.js';
import { httpSettings, type HttpSettings } from './settings/http.js';
import { idPatternSetting } from './settings/id-pattern.js';
import {
  embedTokenTtlSeconds,
  papermapSettings,
  upstreamSettings,
  type PapermapSettings,
  type UpstreamSettings,
} from './settings/papermap.js';
import { type Env, boolean, integer, read, SettingError } from './settings/read.js';
import { redisSettings, type RedisConfig } from './settings/redis.js';

export { SettingError };
export type { Env, RedisConfig };
export type { JwtAuthConfig } from './settings/auth.js';
export { DEFAULT_ID_PATTERN } from './settings/id-pattern.js';
export { MAX_EMBED_TOKEN_TTL_SECONDS } from './settings/papermap.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  papermap: PapermapSettings;
  databaseUrl: string;
  /** PostgreSQL connections per instance (see settings/database.ts). */
  databasePoolMax: number;
  /** Shared rate-limit counters and caches for several instances; undefined: kept in this process. */
  redis?: RedisConfig;
  embedTokenTtlSeconds: number;
  http: HttpSettings;
  rateLimit: {
    /** Token requests per window per user and tenant (per IP when unauthenticated). */
    tokenMax: number;
    /** Requests per window per IP on every other route. */
    globalMax: number;
    windowMs: number;
    /**
     * When the shared counters (Redis) cannot be reached: false (default) refuses requests with 503
     * RATE_LIMIT_UNAVAILABLE, true lets them through unlimited and logs a warning.
     */
    failOpen: boolean;
  };
  logLevel: LogLevel;
  auth: AuthSettings;
  upstream: UpstreamSettings;
  usageCacheTtlMs: number;
  /** How long the token endpoint may reuse a tenant/dashboard lookup (other instances' writes show after it). */
  mintCacheTtlMs: number;
  /** Tenant and dashboard ids accepted by the API. */
  idPattern: RegExp;
  docs: boolean;
  metrics: {
    /** Serve `GET /metrics` (Prometheus text format) on the main port. */
    enabled: boolean;
    /** When set, scrapes must send it as `Authorization: Bearer <token>`. */
    token?: string;
  };
  audit: AuditSettings;
}

function logLevel(env: Env): LogLevel {
  const text = read(env, 'LOG_LEVEL') ?? 'info';
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(text as LogLevel))
    throw new SettingError('LOG_LEVEL', `must be one of ${levels.join(', ')}`);
  return text as LogLevel;
}

function metrics(env: Env): ServerConfig['metrics'] {
  const enabled = boolean(env, 'METRICS_ENABLED', true);
  const token = read(env, 'METRICS_TOKEN');
  if (token === undefined) return { enabled };
  if (token.length < 24) throw new SettingError('METRICS_TOKEN', 'must be at least 24 characters long');
  if (/\s/.test(token)) throw new SettingError('METRICS_TOKEN', 'must not contain whitespace');
  return { enabled, token };
}

/**
 * Validates an environment into the server's settings. Throws `SettingError` on the first bad variable.
 * `hostAuthorization`: the settings are for the plugin inside a host app whose `authorize` hook decides
 * access, so no JWT or admin key settings are required.
 */
export function loadConfig(env: Env, options: { hostAuthorization?: boolean } = {}): ServerConfig {
  const auth = authSettings(env, options.hostAuthorization === true);
  const papermap = papermapSettings(env);
  const database = databaseSettings(env);
  const config: ServerConfig = {
    papermap,
    ...database,
    ...redisSettings(env),
    embedTokenTtlSeconds: embedTokenTtlSeconds(env),
    http: httpSettings(env),
    rateLimit: {
      tokenMax: integer(env, 'RATE_LIMIT_TOKEN_MAX', 30, 1, 1_000_000),
      globalMax: integer(env, 'RATE_LIMIT_GLOBAL_MAX', 300, 1, 1_000_000),
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
      failOpen: boolean(env, 'RATE_LIMIT_FAIL_OPEN', false),
    },
    logLevel: logLevel(env),
    auth,
    upstream: upstreamSettings(env),
    usageCacheTtlMs: integer(env, 'USAGE_CACHE_TTL_MS', 30_000, 0, 3_600_000),
    mintCacheTtlMs: integer(env, 'MINT_CACHE_TTL_MS', 2000, 0, 60_000),
    idPattern: idPatternSetting(env),
    docs: boolean(env, 'DOCS_ENABLED', true),
    metrics: metrics(env),
    audit: auditSettings(env),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Reads `.env` (if present) into the process environment without overriding variables already set. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
