/** A team's own Fastify app mounts tenantdash under a prefix and decides access with its own hook. */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantdash } from '../src/index.js';
import { loadConfig } from '../src/config.js';
import { testDatabase, testEnv, useSandbox, type TestDatabase } from './helper.js';

const upstream = useSandbox();
let host: FastifyInstance;
let dir: string;
let database: TestDatabase;
const calls: [string | undefined, string | null][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-plugin-'));
  database = await testDatabase(dir, 'db.sqlite');
  // No JWT settings and no admin keys: the host's hook is the only authority.
  const config = loadConfig(
    testEnv(upstream.sandbox.url, {
      DATABASE_URL: database.url,
      AUTH_JWT_SECRET: undefined,
      ADMIN_API_KEYS: undefined,
    }),
    { hostAuthorization: true },
  );
  host = Fastify();
  // The host's own session: a header naming the user, and a table of memberships.
  const memberships: Record<string, string[]> = { ann: ['shop-1'], root: [] };
  host.decorateRequest('user', undefined);
  host.addHook('onRequest', async (request) => {
    (request as unknown as { user?: string }).user = request.headers['x-session-user'] as string | undefined;
  });
  host.get('/', async () => ({ host: true }));
  await host.register(tenantdash, {
    prefix: '/analytics',
    config,
    identify: (request) => (request as unknown as { user?: string }).user,
    authorize: (request, tenantId) => {
      const user = (request as unknown as { user?: string }).user;
      calls.push([user, tenantId]);
      if (user === 'root') return true;
      return tenantId !== null && user !== undefined && (memberships[user] ?? []).includes(tenantId);
    },
  });
  await host.ready();
});
afterAll(async () => {
  await host?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('provisions and mints through the host app, with the host deciding access', async () => {
  const created = await host.inject({
    method: 'POST',
    url: '/analytics/api/v1/dashboards',
    headers: { 'x-session-user': 'root' },
    payload: { tenant_id: 'shop-1', name: 'Shop' },
  });
  expect(created.statusCode).toBe(201);
  expect(calls).toContainEqual(['root', null]);

  const minted = await host.inject({
    method: 'POST',
    url: '/analytics/api/v1/dashboards/iframe-token',
    headers: { 'x-session-user': 'ann' },
    payload: { tenantId: 'shop-1' },
  });
  expect(minted.statusCode).toBe(200);
  expect(minted.json().dashboard_id).toBe(created.json().dashboard_id);
  expect(calls).toContainEqual(['ann', 'shop-1']);

  const page = await fetch(minted.json().embed_url);
  expect(page.status).toBe(200);
});

it('the hook refusing a tenant gives the same 404 as standalone; admin actions get 403', async () => {
  const refused = await host.inject({
    method: 'POST',
    url: '/analytics/api/v1/dashboards/iframe-token',
    headers: { 'x-session-user': 'mallory' },
    payload: { tenant_id: 'shop-1' },
  });
  expect(refused.statusCode).toBe(404);
  expect(refused.json().code).toBe('TENANT_NOT_FOUND');
  const admin = await host.inject({ url: '/analytics/api/v1/tenants', headers: { 'x-session-user': 'ann' } });
  expect(admin.statusCode).toBe(403);
  expect(admin.json().code).toBe('FORBIDDEN');
});

it('stays inside its prefix: the host keeps its own routes and error handling', async () => {
  expect((await host.inject({ url: '/' })).json()).toEqual({ host: true });
  const hostMissing = await host.inject({ url: '/elsewhere' });
  expect(hostMissing.statusCode).toBe(404);
  expect(hostMissing.json().code).toBeUndefined();
  const ours = await host.inject({ url: '/analytics/api/v1/nothing' });
  expect(ours.json().code).toBe('ROUTE_NOT_FOUND');
  const bad = await host.inject({
    method: 'POST',
    url: '/analytics/api/v1/dashboards/iframe-token',
    headers: { 'x-session-user': 'ann', 'content-type': 'application/json' },
    payload: '{"tenant_id": "shop-1", "extra": 1}',
  });
  expect(bad.json().code).toBe('VALIDATION_FAILED');
});
