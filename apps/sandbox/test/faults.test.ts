import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildSandbox, SandboxConfigError, type FaultSettings } from '../src/index.js';
import { ADMIN_TOKEN, buildTestSandbox, dashboardCount, listen, NOW_MS, signedHeaders } from './helpers.js';

const CREATE = '/api/v1/external/dashboards';
const admin = { 'x-sandbox-admin-token': ADMIN_TOKEN };
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(options = {}) {
  app = (await buildTestSandbox(options)).app;
  return app;
}

const create = (a: FastifyInstance, tenantId?: string) =>
  a.inject({
    method: 'POST',
    url: CREATE,
    headers: signedHeaders(tenantId === undefined ? {} : { tenantId }),
    payload: { workspace_id: 'ws_demo', title: 'T', description: null },
  });

const setFault = (a: FastifyInstance, fault: unknown) =>
  a.inject({
    method: 'PUT',
    url: '/__sandbox/faults',
    headers: admin,
    payload: fault as Record<string, unknown>,
  });

describe('admin endpoints', () => {
  it('do not exist without an admin token (404)', async () => {
    app = await buildSandbox({ databasePath: ':memory:' });
    const response = await app.inject({
      method: 'PUT',
      url: '/__sandbox/faults',
      headers: admin,
      payload: { mode: 'error' },
    });
    expect(response.statusCode).toBe(404);
  });

  it('require the admin token header (401)', async () => {
    const a = await start();
    for (const headers of [
      {},
      { 'x-sandbox-admin-token': 'wrong-token-value' },
      { 'x-sandbox-admin-token': `${ADMIN_TOKEN}x` },
    ]) {
      const response = await a.inject({ method: 'DELETE', url: '/__sandbox/faults', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'ADMIN_UNAUTHORIZED', status: 401 });
    }
  });

  it('refuse invalid faults with 400 INVALID_FAULT', async () => {
    const a = await start();
    for (const fault of [
      { mode: 'explode' },
      { mode: 'error', status: 404 },
      { mode: 'slow', delay_ms: -1 },
      { mode: 'error', remaining: 0 },
      { mode: 'none', extra: 1 },
      [1],
    ]) {
      const response = await setFault(a, fault);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'INVALID_FAULT', status: 400 });
    }
  });

  it('list the dashboards of a workspace', async () => {
    const a = await start();
    await create(a);
    await create(a);
    const response = await a.inject({
      method: 'GET',
      url: '/__sandbox/dashboards?workspace_id=ws_demo',
      headers: admin,
    });
    expect(response.json()).toMatchObject({ workspace_id: 'ws_demo', count: 2 });
    expect(response.json().dashboards[0]).toMatchObject({
      title: 'T',
      created_at: new Date(NOW_MS).toISOString(),
    });
    const missing = await a.inject({ method: 'GET', url: '/__sandbox/dashboards', headers: admin });
    expect(missing.statusCode).toBe(400);
  });
});

describe('fault modes on the upstream routes', () => {
  it('error: answers the configured 5xx for `remaining` requests, stores and charges nothing, then recovers', async () => {
    const a = await start();
    expect((await setFault(a, { mode: 'error', status: 502, remaining: 2 })).json()).toEqual({
      fault: { mode: 'error', status: 502, remaining: 2 },
    });
    for (let i = 0; i < 2; i++) {
      const response = await create(a, 'acme');
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        error: 'Internal server error',
        code: 'UPSTREAM_UNAVAILABLE',
        status: 502,
      });
    }
    expect(await dashboardCount(a)).toBe(0);
    expect((await create(a, 'acme')).statusCode).toBe(200);
    const state = await a.inject({ method: 'GET', url: '/__sandbox/faults', headers: admin });
    expect(state.json()).toEqual({ fault: { mode: 'none' } });
  });

  it('error: applies to tenant-usage too but never to the embed page or the admin routes', async () => {
    const a = await start();
    await setFault(a, { mode: 'error' });
    const usage = await a.inject({
      method: 'GET',
      url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
      headers: signedHeaders(),
    });
    expect(usage.statusCode).toBe(503);
    expect((await a.inject({ method: 'GET', url: '/embedded/dashboard' })).statusCode).toBe(400);
    expect(await dashboardCount(a)).toBe(0);
    expect((await a.inject({ method: 'DELETE', url: '/__sandbox/faults', headers: admin })).json()).toEqual({
      fault: { mode: 'none' },
    });
    expect((await create(a)).statusCode).toBe(200);
  });

  it('slow: answers normally after the delay', async () => {
    const a = await start();
    await setFault(a, { mode: 'slow', delay_ms: 30, remaining: 1 });
    const response = await create(a);
    expect(response.statusCode).toBe(200);
    expect(await dashboardCount(a)).toBe(1);
  });

  it('malformed: does the work but answers a body that is not JSON', async () => {
    const a = await start();
    await setFault(a, { mode: 'malformed', remaining: 1 });
    const response = await create(a);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(() => JSON.parse(response.body)).toThrow();
    expect(await dashboardCount(a)).toBe(1);
  });

  it('alt-envelope: answers the dashboard at data.data', async () => {
    const a = await start();
    await setFault(a, { mode: 'alt-envelope' });
    const response = await create(a);
    const json = response.json();
    expect(json.data.dashboard_id).toBeUndefined();
    expect(json.data.data).toMatchObject({ workspace_id: 'ws_demo', title: 'T' });
    expect(json.data.data.dashboard_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('drop: closes the connection without an answer (real socket)', async () => {
    const a = await start();
    const base = await listen(a);
    await setFault(a, { mode: 'drop', remaining: 1 });
    const attempt = fetch(`${base}${CREATE}`, {
      method: 'POST',
      headers: signedHeaders(),
      body: JSON.stringify({ workspace_id: 'ws_demo', title: 'T', description: null }),
    });
    await expect(attempt).rejects.toThrow();
    expect(await dashboardCount(a)).toBe(0);
    const after = await fetch(`${base}${CREATE}`, {
      method: 'POST',
      headers: signedHeaders(),
      body: JSON.stringify({ workspace_id: 'ws_demo', title: 'T', description: null }),
    });
    expect(after.status).toBe(200);
  });

  it('drop: also fails an inject() call instead of hanging it', async () => {
    const a = await start({ faults: { mode: 'drop', remaining: 1 } });
    await expect(create(a)).rejects.toMatchObject({ code: 'LIGHT_ECONNRESET' });
    expect((await create(a)).statusCode).toBe(200);
  });

  it('can be active from the start through config', async () => {
    const a = await start({ faults: { mode: 'error', status: 500, remaining: 1 } satisfies FaultSettings });
    expect((await create(a)).statusCode).toBe(500);
    expect((await create(a)).statusCode).toBe(200);
  });

  it('rejects a bad fault in config with SandboxConfigError', async () => {
    await expect(
      buildSandbox({ databasePath: ':memory:', faults: { mode: 'error', status: 200 } }),
    ).rejects.toBeInstanceOf(SandboxConfigError);
  });
});
