/**
 * The server's settings, read and validated once. `loadConfig` is the only code that looks at the environment;
 * everything else receives the typed, frozen `ServerConfig`. A bad setting throws a `SettingError` whose
 * one-line message names the variable and the problem, never the value (it may be a secret).
 */
import {
  DEFAULT_API_URL,
  DEFAULT_EMBED_BASE_URL,
  DEFAULT_MAX_LIFETIME_SECONDS,
  idProblem,
} from '@tenantdash/core';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface JwtAuthConfig {
  /** HS256 shared secret (at least 32 bytes), or undefined when a JWKS URL is used. */
  secret?: string;
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** Claim listing the caller's tenant ids (a string or an array of strings). */
  tenantsClaim: string;
  /** Claim that marks an admin when it is `true` (or an array/string containing "admin"). */
  adminClaim: string;
  clockToleranceSeconds: number;
}

export interface ServerConfig {
  papermap: {
    apiKeyId: string;
    secretKey: string;
    apiUrl: string;
    workspaceId: string;
    embedUrl: string;
  };
  databaseUrl: string;
  /**
   * Connections per instance (PostgreSQL; at least 2, see db/migrations.ts); several instances multiply it
   * against the database server's connection limit.
   */
  databasePoolMax: number;
  /** Shared rate-limit counters and caches for several instances; undefined: kept in this process. */
  redis?: RedisConfig;
  embedTokenTtlSeconds: number;
  http: {
    host: string;
    port: number;
    trustProxy: boolean | string | number;
    corsOrigins: readonly string[];
    bodyLimitBytes: number;
    /** On SIGTERM: how long requests are refused with 503 (and readiness fails) before the listener closes. */
    shutdownGraceMs: number;
  };
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
  auth: {
    jwt?: JwtAuthConfig;
    /** Keys accepted in the `X-Admin-Key` header, for backend-to-backend callers. */
    adminApiKeys: readonly string[];
  };
  upstream: {
    timeoutMs: number;
    retries: number;
    retryBaseDelayMs: number;
  };
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
}

export interface RedisConfig {
  url: string;
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix: string;
  /** A command not answered by then fails (a hung Redis must not hang requests). */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export class SettingError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SettingError';
  }
}

export const DEFAULT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';
export const MAX_EMBED_TOKEN_TTL_SECONDS = DEFAULT_MAX_LIFETIME_SECONDS;

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function required(env: Env, name: string): string {
  const value = read(env, name);
  if (value === undefined) throw new SettingError(name, 'is required');
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new SettingError(name, 'must be a whole number');
  const value = Number(text);
  if (value < min || value > max) throw new SettingError(name, `must be between ${min} and ${max}`);
  return value;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const text = read(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingError(name, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SettingError(name, 'must be an http(s) URL');
  if (url.username || url.password) throw new SettingError(name, 'must not contain credentials');
  return text.replace(/\/+$/, '');
}

function id(env: Env, name: string): string {
  const value = required(env, name);
  const problem = idProblem(value);
  if (problem !== undefined) throw new SettingError(name, problem);
  return value;
}

function list(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function trustProxy(env: Env): boolean | string | number {
  const text = read(env, 'TRUST_PROXY');
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  // A comma-separated list of addresses/CIDRs, passed to Fastify as is.
  if (!/^[0-9a-fA-F.:/, ]+$/.test(text))
    throw new SettingError('TRUST_PROXY', 'must be true, false, a hop count or a list of addresses');
  return text;
}

function logLevel(env: Env): LogLevel {
  const text = read(env, 'LOG_LEVEL') ?? 'info';
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(text as LogLevel))
    throw new SettingError('LOG_LEVEL', `must be one of ${levels.join(', ')}`);
  return text as LogLevel;
}

function corsOrigins(env: Env): string[] {
  const origins = list(env, 'CORS_ORIGINS');
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new SettingError(
        'CORS_ORIGINS',
        'must be a comma-separated list of exact origins (scheme://host[:port])',
      );
    }
    if (url.origin !== origin) {
      throw new SettingError('CORS_ORIGINS', 'must hold exact origins without path or trailing slash');
    }
  }
  return origins;
}

function jwt(env: Env): JwtAuthConfig | undefined {
  const secret = read(env, 'AUTH_JWT_SECRET');
  const jwksUrl = read(env, 'AUTH_JWKS_URL');
  if (secret === undefined && jwksUrl === undefined) return undefined;
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new SettingError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are exclusive: set only one');
  }
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new SettingError('AUTH_JWT_SECRET', 'must be at least 32 bytes long');
  }
  return {
    ...(secret !== undefined ? { secret } : {}),
    ...(jwksUrl !== undefined ? { jwksUrl: httpUrl(env, 'AUTH_JWKS_URL', jwksUrl) } : {}),
    issuer: required(env, 'AUTH_ISSUER'),
    audience: required(env, 'AUTH_AUDIENCE'),
    tenantsClaim: read(env, 'AUTH_TENANTS_CLAIM') ?? 'tenants',
    adminClaim: read(env, 'AUTH_ADMIN_CLAIM') ?? 'tenantdash_admin',
    clockToleranceSeconds: integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
  };
}

function idPattern(env: Env): RegExp {
  const text = read(env, 'ID_PATTERN') ?? DEFAULT_ID_PATTERN;
  if (!text.startsWith('^') || !text.endsWith('$'))
    throw new SettingError('ID_PATTERN', 'must be anchored with ^ and $');
  try {
    return new RegExp(text);
  } catch {
    throw new SettingError('ID_PATTERN', 'is not a valid regular expression');
  }
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new SettingError(name, 'must be true or false');
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
  const adminApiKeys = list(env, 'ADMIN_API_KEYS');
  if (adminApiKeys.some((key) => key.length < 24)) {
    throw new SettingError('ADMIN_API_KEYS', 'must hold keys of at least 24 characters');
  }
  const secretKey = required(env, 'PAPERMAP_SECRET_KEY');
  if (/\s/.test(secretKey)) throw new SettingError('PAPERMAP_SECRET_KEY', 'must not contain whitespace');
  const auth = { jwt: jwt(env), adminApiKeys };
  if (auth.jwt === undefined && adminApiKeys.length === 0 && options.hostAuthorization !== true) {
    throw new SettingError(
      'AUTH_JWT_SECRET',
      'or AUTH_JWKS_URL or ADMIN_API_KEYS is required: nobody could call the API',
    );
  }
  const config: ServerConfig = {
    papermap: {
      apiKeyId: id(env, 'PAPERMAP_API_KEY_ID'),
      secretKey,
      apiUrl: httpUrl(env, 'PAPERMAP_API_URL', DEFAULT_API_URL),
      workspaceId: id(env, 'PAPERMAP_WORKSPACE_ID'),
      embedUrl: httpUrl(env, 'PAPERMAP_EMBED_URL', DEFAULT_EMBED_BASE_URL),
    },
    databaseUrl: read(env, 'DATABASE_URL') ?? 'sqlite:./data/tenantdash.sqlite',
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 10, 2, 100),
    ...redis(env),
    embedTokenTtlSeconds: integer(env, 'EMBED_TOKEN_TTL_SECONDS', 3600, 30, MAX_EMBED_TOKEN_TTL_SECONDS),
    http: {
      host: read(env, 'HOST') ?? '127.0.0.1',
      port: integer(env, 'PORT', 4000, 0, 65535),
      trustProxy: trustProxy(env),
      corsOrigins: corsOrigins(env),
      bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * 1024, 1024, 1024 * 1024),
      shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 1000, 0, 60_000),
    },
    rateLimit: {
      tokenMax: integer(env, 'RATE_LIMIT_TOKEN_MAX', 30, 1, 1_000_000),
      globalMax: integer(env, 'RATE_LIMIT_GLOBAL_MAX', 300, 1, 1_000_000),
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
      failOpen: boolean(env, 'RATE_LIMIT_FAIL_OPEN', false),
    },
    logLevel: logLevel(env),
    auth,
    upstream: {
      timeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000),
      retries: integer(env, 'UPSTREAM_RETRIES', 2, 0, 5),
      retryBaseDelayMs: integer(env, 'UPSTREAM_RETRY_BASE_DELAY_MS', 200, 0, 10_000),
    },
    usageCacheTtlMs: integer(env, 'USAGE_CACHE_TTL_MS', 30_000, 0, 3_600_000),
    mintCacheTtlMs: integer(env, 'MINT_CACHE_TTL_MS', 2000, 0, 60_000),
    idPattern: idPattern(env),
    docs: boolean(env, 'DOCS_ENABLED', true),
    metrics: metrics(env),
  };
  checkDatabaseUrl(config.databaseUrl);
  return deepFreeze(config);
}

/** `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS), with its prefix and timeouts. */
function redis(env: Env): { redis?: RedisConfig } {
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

/** `sqlite:<file>` / `sqlite::memory:`, or `postgres://[user[:password]@]host[:port]/database[?…]`. */
function checkDatabaseUrl(value: string): void {
  if (value.startsWith('sqlite:')) return;
  if (!/^postgres(ql)?:/.test(value)) {
    throw new SettingError('DATABASE_URL', 'must start with sqlite: or postgres:// (postgresql://)');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingError('DATABASE_URL', 'is not a valid postgres:// URL');
  }
  if (!url.href.startsWith(`${url.protocol}//`) || url.hostname === '') {
    throw new SettingError('DATABASE_URL', 'needs a host (postgres://user@host:port/database)');
  }
  if (url.pathname.length <= 1 || url.pathname.slice(1).includes('/')) {
    throw new SettingError('DATABASE_URL', 'needs a database name (postgres://user@host:port/database)');
  }
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
