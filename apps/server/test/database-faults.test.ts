/**
 * PostgreSQL going away under a running server: its sessions terminated by an administrator, and the
 * database host unreachable for a while (a TCP proxy in front of it, cut and restored). The documented
 * answer is 503 DATABASE_UNAVAILABLE with Retry-After, never a 500 or a driver message; the server recovers
 * by itself, and no token is ever answered without its audit row. (SQLite is a file of the instance's own:
 * nothing to lose but the disk.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/services/tokens.js';
import {
  adminKey,
  buildTestServer,
  ENGINE,
  provisionTenant,
  requestEmbedToken,
  testDatabase,
  useSandbox,
  type TestDatabase,
  type TestServer,
} from './helper.js';
import { eventually, tcpProxy, terminatePostgresSessions, type TcpProxy } from './infra.js';

const upstream = useSandbox();
let dir: string;
let database: TestDatabase;
let server: TestServer | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await proxy?.restore().catch(() => undefined);
  await server?.close();
  await proxy?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  proxy = undefined;
});

async function start(databaseUrl?: (url: string) => string) {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-db-faults-'));
  database = await testDatabase(dir);
  const url = databaseUrl ? databaseUrl(database.url) : database.url;
  // Every token request reads the database (no lookup cache), so every one meets the outage.
  server = await buildTestServer(
    upstream.sandbox.url,
    { DATABASE_URL: url, MINT_CACHE_TTL_MS: '0' },
    { database },
  );
  await provisionTenant(server.app, 'acme');
  return server;
}

const tokenRequest = (app: TestServer['app']) => requestEmbedToken(app, 'acme', 'db-user');

const UNAVAILABLE = {
  statusCode: 503,
  code: 'DATABASE_UNAVAILABLE',
  error: 'Service Unavailable',
  message: 'The database is temporarily unavailable, retry shortly',
};

/** Sends token requests, keeping the tokens of the 200s; every other answer must be the documented 503. */
async function requestTokens(test: TestServer, count: number, tokens: string[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await tokenRequest(test.app);
    statuses.push(response.statusCode);
    if (response.statusCode === 200) tokens.push(response.json().token);
    else {
      expect(response.json()).toEqual(UNAVAILABLE);
      expect(response.headers['retry-after']).toBe('2');
    }
  }
  return statuses;
}

async function expectAudited(test: TestServer, tokens: string[]) {
  const rows = await test.app.store.models.TokenAudit.findAll();
  expect(rows.map((row) => row.token_sha256).sort()).toEqual(tokens.map(sha256Hex).sort());
}

describe.skipIf(ENGINE !== 'postgres')('PostgreSQL going away', () => {
  it('sessions terminated by an administrator: at most a few 503s, then tokens again', async () => {
    const test = await start();
    const tokens: string[] = [];
    expect(await requestTokens(test, 3, tokens)).toEqual([200, 200, 200]);
    expect(await terminatePostgresSessions(database.applicationName!)).toBeGreaterThan(0);
    const statuses = await requestTokens(test, 10, tokens);
    // requestTokens checked that each non-200 is the documented 503.
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    expect(statuses.slice(-3)).toEqual([200, 200, 200]);
    await expectAudited(test, tokens);
  });

  it('database unreachable: 503 DATABASE_UNAVAILABLE and not ready, then recovery on its own', async () => {
    proxy = await tcpProxy(5432);
    const port = proxy.port;
    const test = await start((url) => url.replace('127.0.0.1:5432', `127.0.0.1:${port}`));
    const tokens: string[] = [];
    expect(await requestTokens(test, 2, tokens)).toEqual([200, 200]);

    await proxy.cut();
    expect(await requestTokens(test, 5, tokens)).toEqual([503, 503, 503, 503, 503]);
    const ready = await test.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'NOT_READY', message: 'The database is not reachable' });
    const admin = await test.app.inject({ url: '/api/v1/tenants', headers: adminKey });
    expect(admin.json()).toEqual(UNAVAILABLE);
    // Logged as the documented answer, not as an unexpected error with a driver stack.
    expect(test.logs.join('\n')).not.toContain('unexpected error');

    await proxy.restore();
    await eventually(async () => {
      const statuses = await requestTokens(test, 1, tokens);
      return statuses[0] === 200 ? true : undefined;
    });
    expect(await requestTokens(test, 3, tokens)).toEqual([200, 200, 200]);
    expect((await test.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await expectAudited(test, tokens);
  });
});
