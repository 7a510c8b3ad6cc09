import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_DEV_CREDENTIALS } from '../src/settings/auth.js';
import { loadConfig, SettingError } from '../src/config.js';
import { testEnv } from './helper.js';

const base = testEnv('http://127.0.0.1:9');

function problem(overrides: Record<string, string | undefined>): string {
  try {
    loadConfig({ ...base, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('loadConfig', () => {
  it('fills the documented defaults and freezes the result', () => {
    const config = loadConfig({
      PAPERMAP_API_KEY_ID: 'ak_x',
      PAPERMAP_SECRET_KEY: 'sk_x',
      PAPERMAP_WORKSPACE_ID: 'ws_x',
      ADMIN_API_KEYS: 'k'.repeat(24),
    });
    expect(config.papermap.apiUrl).toBe('https://prod.dataapi.papermap.ai');
    expect(config.papermap.embedUrl).toBe('https://papermap.ai/embedded/dashboard');
    expect(config.databaseUrl).toBe('sqlite:./data/tenantdash.sqlite');
    expect(config.embedTokenTtlSeconds).toBe(3600);
    expect(config.http).toMatchObject({ port: 4000, host: '127.0.0.1', trustProxy: false, corsOrigins: [] });
    expect(config.auth.jwt).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.rateLimit.failOpen).toBe(false);
    expect(config.databasePoolMax).toBe(10);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.papermap)).toBe(true);
  });

  it.each([
    'postgres://app@db.internal:5432/tenantdash',
    'postgresql://app:secret@db.internal/tenantdash?options=-c%20search_path%3Dtd',
  ])('accepts the PostgreSQL URL %s as given', (url) => {
    const config = loadConfig({
      PAPERMAP_API_KEY_ID: 'ak_x',
      PAPERMAP_SECRET_KEY: 'sk_x',
      PAPERMAP_WORKSPACE_ID: 'ws_x',
      ADMIN_API_KEYS: 'k'.repeat(24),
      DATABASE_URL: url,
    });
    expect(config.databaseUrl).toBe(url);
  });

  it('reads the Redis settings of the scale-out mode', () => {
    const config = loadConfig({
      ...base,
      REDIS_URL: 'redis://:pw@cache.internal:6380/2',
      RATE_LIMIT_FAIL_OPEN: 'true',
      DATABASE_POOL_MAX: '25',
    });
    expect(config.redis).toEqual({
      url: 'redis://:pw@cache.internal:6380/2',
      keyPrefix: 'tenantdash:',
      commandTimeoutMs: 500,
      connectTimeoutMs: 2000,
    });
    expect(config.rateLimit.failOpen).toBe(true);
    expect(config.databasePoolMax).toBe(25);
    expect(
      loadConfig({ ...base, REDIS_URL: 'rediss://cache', REDIS_KEY_PREFIX: 'td-eu:' }).redis,
    ).toMatchObject({
      url: 'rediss://cache',
      keyPrefix: 'td-eu:',
    });
  });

  it('normalises a trailing slash on the API URL', () => {
    expect(
      loadConfig({ ...base, PAPERMAP_API_URL: 'https://prod.dataapi.papermap.ai/' }).papermap.apiUrl,
    ).toBe('https://prod.dataapi.papermap.ai');
  });

  const cases: [string, Record<string, string | undefined>, string][] = [
    ['a missing key id', { PAPERMAP_API_KEY_ID: undefined }, 'PAPERMAP_API_KEY_ID is required'],
    ['a blank secret', { PAPERMAP_SECRET_KEY: '   ' }, 'PAPERMAP_SECRET_KEY is required'],
    [
      'a workspace with a control character',
      { PAPERMAP_WORKSPACE_ID: 'ws\u0001' },
      'PAPERMAP_WORKSPACE_ID must not contain control characters or lone surrogates',
    ],
    [
      'a non-URL API base',
      { PAPERMAP_API_URL: 'prod.dataapi' },
      'PAPERMAP_API_URL must be an absolute http(s) URL',
    ],
    [
      'a TTL over the cap',
      { EMBED_TOKEN_TTL_SECONDS: '86401' },
      'EMBED_TOKEN_TTL_SECONDS must be between 30 and 86400',
    ],
    [
      'a TTL that is not a number',
      { EMBED_TOKEN_TTL_SECONDS: '1h' },
      'EMBED_TOKEN_TTL_SECONDS must be a whole number',
    ],
    ['a port out of range', { PORT: '70000' }, 'PORT must be between 0 and 65535'],
    [
      'a CORS origin with a path',
      { CORS_ORIGINS: 'https://a.example.com/app' },
      'CORS_ORIGINS must hold exact origins without path or trailing slash',
    ],
    ['a short JWT secret', { AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 bytes long'],
    [
      'both JWT modes',
      { AUTH_JWKS_URL: 'https://idp.test/jwks' },
      'AUTH_JWT_SECRET and AUTH_JWKS_URL are exclusive: set only one',
    ],
    ['a JWT without audience', { AUTH_AUDIENCE: undefined }, 'AUTH_AUDIENCE is required'],
    [
      'a short admin key',
      { ADMIN_API_KEYS: 'short-key' },
      'ADMIN_API_KEYS must hold keys of at least 24 characters',
    ],
    [
      'no way to authenticate',
      { AUTH_JWT_SECRET: undefined, ADMIN_API_KEYS: undefined },
      'AUTH_JWT_SECRET or AUTH_JWKS_URL or ADMIN_API_KEYS is required: nobody could call the API',
    ],
    [
      'an unknown log level',
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    ['an unanchored id pattern', { ID_PATTERN: '[a-z]+' }, 'ID_PATTERN must be anchored with ^ and $'],
    [
      'a bad trust proxy',
      { TRUST_PROXY: 'yes please' },
      'TRUST_PROXY must be true, false, a hop count or a list of addresses',
    ],
    [
      'an unknown database',
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL must start with sqlite: or postgres:// (postgresql://)',
    ],
    [
      'a postgres URL without a host',
      { DATABASE_URL: 'postgres:///tenantdash' },
      'DATABASE_URL needs a host (postgres://user@host:port/database)',
    ],
    [
      'a postgres URL without a database',
      { DATABASE_URL: 'postgresql://app:pw@db.internal:5432/' },
      'DATABASE_URL needs a database name (postgres://user@host:port/database)',
    ],
    [
      'a Redis URL of another scheme',
      { REDIS_URL: 'http://cache:6379' },
      'REDIS_URL must start with redis:// or rediss://',
    ],
    [
      'a Redis URL that is not a URL',
      { REDIS_URL: 'cache:6379' },
      'REDIS_URL must start with redis:// or rediss://',
    ],
    [
      'a Redis URL with a path',
      { REDIS_URL: 'redis://cache:6379/db/0' },
      'REDIS_URL may only name a database number (redis://host:port/0)',
    ],
    [
      'a Redis key prefix with a space',
      { REDIS_URL: 'redis://cache', REDIS_KEY_PREFIX: 'td prod' },
      'REDIS_KEY_PREFIX must be 1 to 64 characters of A-Z a-z 0-9 . _ : -',
    ],
    [
      'a fail-open flag that is not boolean',
      { RATE_LIMIT_FAIL_OPEN: 'maybe' },
      'RATE_LIMIT_FAIL_OPEN must be true or false',
    ],
    ['a pool of one', { DATABASE_POOL_MAX: '1' }, 'DATABASE_POOL_MAX must be between 2 and 100'],
  ];
  for (const [name, overrides, message] of cases) {
    it(`refuses ${name} with one line naming the variable`, () => {
      expect(problem(overrides)).toBe(message);
    });
  }

  it.each([
    ['^.{1,128}$', 'U+0000'],
    ['^[^/]{1,128}$', 'U+0000'],
    ['^\\S{1,64}$', 'U+0000'],
    ['^[\\w\\s-]{1,64}$', 'U+0009'],
    ['^[A-Za-z0-9é]{1,40}$', 'U+00E9'],
    ['^[\\p{L}0-9]+$', 'U+00E9'],
    ['^[ -~]{1,64}$', 'a space at either end'],
    ['^[a-z]+[\\u2028]?$', 'U+2028'],
    ['^[a-z0-9]{4}[^a-z0-9]?[a-z0-9]{4}$', 'U+0000'],
  ])(
    'refuses the ID_PATTERN %s, which admits ids the X-Tenant-ID header cannot carry',
    (pattern, culprit) => {
      expect(problem({ ID_PATTERN: pattern })).toBe(
        `ID_PATTERN admits ${culprit}, which the X-Tenant-ID header cannot carry: allow printable ASCII only (no space at either end)`,
      );
    },
  );

  it.each([
    '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
    '^[a-z0-9-]{3,40}$',
    '^[!-~]{1,128}$',
    '^[!-~](?:[ -~]*[!-~])?$',
  ])('accepts the header-safe ID_PATTERN %s', (pattern) => {
    expect(loadConfig({ ...base, ID_PATTERN: pattern }).idPattern.source).toBe(pattern);
  });

  it('reads AUDIT_RETENTION_DAYS (default 90, 0 keeps rows forever) and AUTH_JWKS_TIMEOUT_MS', () => {
    expect(loadConfig(base).audit).toEqual({ retentionDays: 90 });
    expect(loadConfig({ ...base, AUDIT_RETENTION_DAYS: '0' }).audit).toEqual({ retentionDays: 0 });
    expect(problem({ AUDIT_RETENTION_DAYS: '-1' })).toBe('AUDIT_RETENTION_DAYS must be a whole number');
    const jwks = { ...base, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'https://idp.test/jwks' };
    expect(loadConfig(jwks).auth.jwt?.jwksTimeoutMs).toBe(2000);
    expect(problem({ ...jwks, AUTH_JWKS_TIMEOUT_MS: '50' })).toBe(
      'AUTH_JWKS_TIMEOUT_MS must be between 100 and 30000',
    );
  });

  it('.env.sandbox starts a server against the sandbox, and its credentials are refused in production', () => {
    const sandboxEnv = parseEnv(readFileSync(new URL('../.env.sandbox', import.meta.url), 'utf8'));
    const config = loadConfig(sandboxEnv);
    expect(config.papermap).toMatchObject({ apiUrl: 'http://127.0.0.1:4010', workspaceId: 'ws_demo' });
    expect([config.auth.jwt?.secret, ...config.auth.adminApiKeys].sort()).toEqual(
      [...PUBLISHED_DEV_CREDENTIALS].sort(),
    );
    const production = { ...sandboxEnv, NODE_ENV: 'production' };
    expect(problem(production)).toBe(
      'ADMIN_API_KEYS holds the published value of .env.sandbox: set your own for production',
    );
    expect(problem({ ...production, ADMIN_API_KEYS: 'k'.repeat(24) })).toBe(
      'AUTH_JWT_SECRET holds the published value of .env.sandbox: set your own for production',
    );
  });

  it('never echoes a secret value in its message', () => {
    const secret = 'sk_super secret';
    const message = problem({ PAPERMAP_SECRET_KEY: secret });
    expect(message).toBe('PAPERMAP_SECRET_KEY must not contain whitespace');
    expect(message).not.toContain('super');
    expect(problem({ AUTH_JWT_SECRET: 'tiny-secret-value' })).not.toContain('tiny-secret-value');
    expect(problem({ REDIS_URL: 'redis://:hunter2@cache/db/x' })).not.toContain('hunter2');
  });
});
