/**
 * The one way tests build things: a real sandbox (the local Papermap) listening on loopback, and the token
 * server built from a test config over a temporary SQLite file, with its log lines captured. The `postgres`
 * vitest project sets TENANTDASH_TEST_POSTGRES_URL: each test server then gets a fresh schema of its own in
 * that database (dropped on close), so the same suite runs on PostgreSQL. `useTestStack` builds the pair for
 * a file's tests and closes it after them. The app is built through the package's public entry point only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSandbox, SANDBOX_SEED } from '@tenantdash/sandbox';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, loadConfig, type BuildAppOptions, type ServerConfig } from '../src/index.js';

export { SANDBOX_SEED };

export const JWT_SECRET = 'test-jwt-secret-0123456789-0123456789-abcdef';
export const ISSUER = 'https://idp.test';
export const AUDIENCE = 'tenantdash-test';
export const ADMIN_KEY = 'admin-key-0123456789-abcdefghijklmnop';
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token-for-tests';

export interface Sandbox {
  app: FastifyInstance;
  url: string;
  setFault(fault: { mode: string; delay_ms?: number; status?: number; remaining?: number }): Promise<void>;
  clearFault(): Promise<void>;
  /** How many dashboards exist upstream in the demo workspace. */
  countDashboards(): Promise<number>;
  close(): Promise<void>;
}

/** Keys and workspaces on top of the seeded demo ones (e.g. a second key to rotate to). */
export type SandboxExtra = Pick<Parameters<typeof buildSandbox>[0] & object, 'workspaces'>;

/** Listens on a free loopback port; the base URL. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app has no port');
  return `http://127.0.0.1:${address.port}`;
}

export async function startSandbox(extra: SandboxExtra = {}): Promise<Sandbox> {
  const app = await buildSandbox({
    databasePath: ':memory:',
    adminToken: SANDBOX_ADMIN_TOKEN,
    logger: false,
    ...extra,
  });
  const url = await listenOnLoopback(app);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        'x-sandbox-admin-token': SANDBOX_ADMIN_TOKEN,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return {
    app,
    url,
    async setFault(fault) {
      const response = await admin('PUT', '/__sandbox/faults', fault);
      if (response.status !== 200) throw new Error(`setFault: ${response.status}`);
    },
    async clearFault() {
      await admin('DELETE', '/__sandbox/faults');
    },
    async countDashboards() {
      const response = await admin('GET', `/__sandbox/dashboards?workspace_id=${SANDBOX_SEED.workspaceId}`);
      return ((await response.json()) as { count: number }).count;
    },
    close: () => app.close(),
  };
}

/** The environment a test server starts from; `overrides` replace or (with undefined) remove variables. */
export function testEnv(sandboxUrl: string, overrides: Record<string, string | undefined> = {}) {
  return {
    PAPERMAP_API_KEY_ID: SANDBOX_SEED.apiKeyId,
    PAPERMAP_SECRET_KEY: SANDBOX_SEED.secretKey,
    PAPERMAP_WORKSPACE_ID: SANDBOX_SEED.workspaceId,
    PAPERMAP_API_URL: `${sandboxUrl}/`,
    PAPERMAP_EMBED_URL: `${sandboxUrl}/embedded/dashboard`,
    AUTH_JWT_SECRET: JWT_SECRET,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_TENANTS_CLAIM: 'tenants',
    AUTH_ADMIN_CLAIM: 'td_admin',
    ADMIN_API_KEYS: ADMIN_KEY,
    UPSTREAM_TIMEOUT_MS: '2000',
    UPSTREAM_RETRIES: '2',
    UPSTREAM_RETRY_BASE_DELAY_MS: '5',
    RATE_LIMIT_TOKEN_MAX: '1000',
    RATE_LIMIT_GLOBAL_MAX: '10000',
    CORS_ORIGINS: 'https://app.example.com',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/** The PostgreSQL database the `postgres` project runs against; undefined on the SQLite project. */
export const POSTGRES_URL = process.env.TENANTDASH_TEST_POSTGRES_URL || undefined;
export const ENGINE: 'sqlite' | 'postgres' = POSTGRES_URL ? 'postgres' : 'sqlite';

async function onAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  /** PostgreSQL: the `application_name` of this database's connections (to find and cut them). */
  applicationName?: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test server: a SQLite file in `dir`, or on the postgres project a fresh
 * schema (the URL sets `search_path` to it), so test files never see each other's rows.
 */
export async function testDatabase(dir: string, file = 'test.sqlite'): Promise<TestDatabase> {
  if (!POSTGRES_URL) return { url: `sqlite:${join(dir, file)}`, drop: async () => undefined };
  const schema = `td_test_${randomBytes(6).toString('hex')}`;
  await onAdmin((client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return {
    url: url.href,
    applicationName: schema,
    drop: () =>
      onAdmin((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

export interface TestServer {
  app: FastifyInstance;
  config: ServerConfig;
  /** The environment the config was read from (for the CLI against the same database). */
  env: Record<string, string | undefined>;
  logs: string[];
  dir: string;
  /** Row counts per table, to assert that nothing was stored. */
  counts(): Promise<{ tenants: number; dashboards: number; audit: number; idempotency: number }>;
  close(): Promise<void>;
}

export interface TestServerOptions extends Omit<BuildAppOptions, 'logStream'> {
  /** A database shared with other test servers (the caller drops it); otherwise one of its own. */
  database?: TestDatabase;
}

export async function buildTestServer(
  sandboxUrl: string,
  overrides: Record<string, string | undefined> = {},
  { database: sharedDatabase, ...options }: TestServerOptions = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantdash-server-'));
  const database = sharedDatabase ?? (await testDatabase(dir));
  const env = testEnv(sandboxUrl, { DATABASE_URL: database.url, ...overrides });
  const config = loadConfig(env);
  const logs: string[] = [];
  let app: FastifyInstance;
  try {
    app = await buildApp(config, { ...options, logStream: { write: (line) => void logs.push(line) } });
  } catch (error) {
    if (!sharedDatabase) await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    config,
    env,
    logs,
    dir,
    async counts() {
      const { models } = app.store;
      return {
        tenants: await models.Tenant.count(),
        dashboards: await models.TenantDashboard.count(),
        audit: await models.TokenAudit.count(),
        idempotency: await models.IdempotencyRecord.count(),
      };
    },
    async close() {
      try {
        await app.close();
      } finally {
        if (!sharedDatabase) await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Throws when a hook-built value is read before its `beforeAll` ran (at a file's top level, say). */
function built<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is built in beforeAll: read it inside a test or a hook`);
  return value;
}

/** A sandbox for the tests of the file (or `describe` block) that calls this: started before them, closed after. */
export function useSandbox(extra: SandboxExtra = {}): { readonly sandbox: Sandbox } {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(extra);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return built(sandbox, 'the sandbox');
    },
  };
}

export interface TestStackOptions {
  sandbox?: SandboxExtra;
  /**
   * The server's environment on top of `testEnv` (undefined removes a variable); a function is called when the
   * server is built, for values the file's own earlier `beforeAll` makes (a settings file's path).
   */
  env?: Record<string, string | undefined> | (() => Record<string, string | undefined>);
  /** buildApp's options: an injected clock, hooks. */
  app?: TestServerOptions;
  /** Also listen on loopback, for tests that speak real HTTP to the server (`url`). */
  listen?: boolean;
}

export interface TestStack {
  readonly sandbox: Sandbox;
  readonly server: TestServer;
  /** The server's base URL (with `listen: true`). */
  readonly url: string;
}

/**
 * A sandbox and a token server on it for the tests of the file (or `describe` block) that calls this: built in
 * a `beforeAll` (the file's own hooks registered after this call run after it), closed in an `afterAll`.
 */
export function useTestStack(options: TestStackOptions = {}): TestStack {
  const upstream = useSandbox(options.sandbox);
  let server: TestServer | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    const env = typeof options.env === 'function' ? options.env() : options.env;
    server = await buildTestServer(upstream.sandbox.url, env, options.app);
    if (options.listen) url = await listenOnLoopback(server.app);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get sandbox() {
      return upstream.sandbox;
    },
    get server() {
      return built(server, 'the test server');
    },
    get url() {
      return built(url, "the test server's URL (listen: true)");
    },
  };
}

export interface JwtOptions {
  sub?: string;
  tenants?: string[] | string;
  admin?: boolean;
  issuer?: string;
  audience?: string;
  secret?: string;
  expiresInSeconds?: number;
  alg?: string;
}

export async function jwt(options: JwtOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {};
  if (options.tenants !== undefined) claims.tenants = options.tenants;
  if (options.admin) claims.td_admin = true;
  const now = Math.floor(Date.now() / 1000);
  let builder = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt(now)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime(now + (options.expiresInSeconds ?? 600));
  if (options.sub !== '') builder = builder.setSubject(options.sub ?? 'user-1');
  return builder.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const adminKey = { 'x-admin-key': ADMIN_KEY };

/** Provisions a dashboard for a tenant through the admin API; throws unless it was created. */
export async function provisionTenant(app: FastifyInstance, tenantId: string, name = tenantId) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: adminKey,
    payload: { tenant_id: tenantId, name },
  });
  if (response.statusCode !== 201) {
    throw new Error(`provisioning ${tenantId} answered ${response.statusCode}: ${response.body}`);
  }
  return response.json<{ dashboard_id: string; tenant_id: string }>();
}

/** POST /api/v1/dashboards/iframe-token through inject, as a user of the tenant (for one of its dashboards). */
export async function requestEmbedToken(
  app: FastifyInstance,
  tenantId: string,
  sub = 'user-1',
  dashboardId?: string,
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/dashboards/iframe-token',
    headers: bearer(await jwt({ sub, tenants: [tenantId] })),
    payload: { tenant_id: tenantId, ...(dashboardId ? { dashboard_id: dashboardId } : {}) },
  });
}
