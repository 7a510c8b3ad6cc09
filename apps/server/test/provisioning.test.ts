import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminKey, buildTestServer, useSandbox, type TestServer } from './helper.js';

const upstream = useSandbox();
let server: TestServer;

beforeEach(async () => {
  await upstream.sandbox.clearFault();
  server = await buildTestServer(upstream.sandbox.url);
});
afterEach(async () => {
  await server?.close();
});

const provision = (body: unknown, key?: string) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: { ...adminKey, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    payload: body as object,
  });

describe('POST /api/v1/dashboards', () => {
  it('creates the dashboard upstream and stores the mapping; the first one is the default', async () => {
    const before = await upstream.sandbox.countDashboards();
    const response = await provision({ tenant_id: 'org-a', name: 'Sales', description: 'Monthly sales' });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      tenant_id: 'org-a',
      workspace_id: 'ws_demo',
      name: 'Sales',
      description: 'Monthly sales',
      is_default: true,
    });
    expect(typeof body.dashboard_id).toBe('string');
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
    const second = await provision({ tenant_id: 'org-a', name: 'Ops', make_default: true });
    expect(second.json()).toMatchObject({ is_default: true, description: null });
    const list = await server.app.inject({ url: '/api/v1/dashboards?tenant_id=org-a', headers: adminKey });
    const defaults = list.json().dashboards.filter((d: { is_default: boolean }) => d.is_default);
    expect(defaults).toHaveLength(1);
    expect(defaults[0].dashboard_id).toBe(second.json().dashboard_id);
  });

  it('answers a retried request with the same key from the record, without a second upstream create', async () => {
    const before = await upstream.sandbox.countDashboards();
    const first = await provision({ tenant_id: 'org-b', name: 'Sales' }, 'key-retry-1');
    const again = await provision({ tenant_id: 'org-b', name: 'Sales' }, 'key-retry-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
    expect((await server.counts()).dashboards).toBe(1);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await provision({ tenant_id: 'org-c', name: 'Sales' }, 'key-reused');
    const other = await provision({ tenant_id: 'org-c', name: 'Marketing' }, 'key-reused');
    expect(other.statusCode).toBe(422);
    expect(other.json()).toEqual({
      statusCode: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      error: 'Unprocessable Entity',
      message: 'This Idempotency-Key was used with a different request',
    });
    expect((await server.counts()).dashboards).toBe(1);
  });

  it('creates once when the same key arrives concurrently over real sockets', async () => {
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const address = server.app.server.address() as { port: number };
    const before = await upstream.sandbox.countDashboards();
    // Slow upstream: every request is in flight at the same time.
    await upstream.sandbox.setFault({ mode: 'slow', delay_ms: 150 });
    const send = () =>
      fetch(`http://127.0.0.1:${address.port}/api/v1/dashboards`, {
        method: 'POST',
        headers: { ...adminKey, 'content-type': 'application/json', 'idempotency-key': 'key-concurrent' },
        body: JSON.stringify({ tenant_id: 'org-d', name: 'Sales' }),
      });
    const responses = await Promise.all([send(), send(), send(), send()]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    const conflict = await responses.find((r) => r.status === 409)!.json();
    expect(conflict.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
    await upstream.sandbox.clearFault();
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
    const replay = await provision({ tenant_id: 'org-d', name: 'Sales' }, 'key-concurrent');
    expect(replay.statusCode).toBe(201);
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
  });

  it('concurrent provisioning for one tenant leaves exactly one default dashboard', async () => {
    // New tenant and existing tenant alike: each round's requests race for the tenant row and the default.
    for (const [round, makeDefault] of [
      ['new', false],
      ['existing', true],
    ] as const) {
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          provision({ tenant_id: 'org-race', name: `${round} ${i}`, make_default: makeDefault }),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
      const list = await server.app.inject({
        url: '/api/v1/dashboards?tenant_id=org-race',
        headers: adminKey,
      });
      const defaults = list.json().dashboards.filter((d: { is_default: boolean }) => d.is_default);
      expect(defaults).toHaveLength(1);
    }
    expect((await server.counts()).dashboards).toBe(12);
  });

  it('retries a transient upstream 503 by itself and creates exactly once', async () => {
    const before = await upstream.sandbox.countDashboards();
    await upstream.sandbox.setFault({ mode: 'error', status: 503, remaining: 1 });
    const response = await provision({ tenant_id: 'org-e', name: 'Sales' }, 'key-transient');
    expect(response.statusCode).toBe(201);
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
  });

  it('a lasting upstream failure answers 502 UPSTREAM_ERROR, stores nothing, and the same key works later', async () => {
    const before = await upstream.sandbox.countDashboards();
    await upstream.sandbox.setFault({ mode: 'error', status: 500 });
    const failed = await provision({ tenant_id: 'org-f', name: 'Sales' }, 'key-later');
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toEqual({
      statusCode: 502,
      code: 'UPSTREAM_ERROR',
      error: 'Bad Gateway',
      message: 'Papermap could not complete the request',
    });
    expect(await server.counts()).toEqual({ tenants: 0, dashboards: 0, audit: 0, idempotency: 0 });
    await upstream.sandbox.clearFault();
    const retried = await provision({ tenant_id: 'org-f', name: 'Sales' }, 'key-later');
    expect(retried.statusCode).toBe(201);
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
  });

  it('a dropped connection answers 502 without retrying the create', async () => {
    const before = await upstream.sandbox.countDashboards();
    await upstream.sandbox.setFault({ mode: 'drop', remaining: 1 });
    const failed = await provision({ tenant_id: 'org-g', name: 'Sales' }, 'key-drop');
    expect(failed.statusCode).toBe(502);
    expect(failed.json().code).toBe('UPSTREAM_ERROR');
    expect((await server.counts()).dashboards).toBe(0);
    const retried = await provision({ tenant_id: 'org-g', name: 'Sales' }, 'key-drop');
    expect(retried.statusCode).toBe(201);
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
  });

  it('an upstream slower than the timeout answers 504 UPSTREAM_TIMEOUT and stores nothing', async () => {
    // A short timeout for this test only: the others keep the helper's, which a loaded CI machine's six
    // concurrent creates can take longer than 300 ms to meet.
    await server.close();
    server = await buildTestServer(upstream.sandbox.url, { UPSTREAM_TIMEOUT_MS: '300' });
    await upstream.sandbox.setFault({ mode: 'slow', delay_ms: 1000, remaining: 1 });
    const failed = await provision({ tenant_id: 'org-h', name: 'Sales' }, 'key-slow');
    expect(failed.statusCode).toBe(504);
    expect(failed.json()).toEqual({
      statusCode: 504,
      code: 'UPSTREAM_TIMEOUT',
      error: 'Gateway Timeout',
      message: 'Papermap did not answer in time',
    });
    expect(await server.counts()).toEqual({ tenants: 0, dashboards: 0, audit: 0, idempotency: 0 });
  });

  it('a 200 answer that is not JSON is a 502 and leaves no mapping', async () => {
    await upstream.sandbox.setFault({ mode: 'malformed', remaining: 1 });
    const failed = await provision({ tenant_id: 'org-i', name: 'Sales' });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().code).toBe('UPSTREAM_ERROR');
    expect((await server.counts()).dashboards).toBe(0);
  });

  it('reads the dashboard id from the alternative data.data envelope', async () => {
    await upstream.sandbox.setFault({ mode: 'alt-envelope', remaining: 1 });
    const response = await provision({ tenant_id: 'org-j', name: 'Sales' });
    expect(response.statusCode).toBe(201);
    const stored = await server.app.inject({
      url: `/api/v1/dashboards/${response.json().dashboard_id}`,
      headers: adminKey,
    });
    expect(stored.statusCode).toBe(200);
    expect(stored.json().tenant_id).toBe('org-j');
  });

  it('a pending record left by a crashed process is taken over once it is stale', async () => {
    const { IdempotencyRecord } = server.app.store.models;
    const { sha256Hex } = await import('../src/services/tokens.js');
    const hash = sha256Hex(JSON.stringify(['org-l', 'Sales', null, false]));
    const longAgo = new Date(Date.now() - 11 * 60 * 1000);
    await IdempotencyRecord.create({
      key: 'key-crashed',
      request_hash: hash,
      state: 'pending',
      response_status: null,
      response_body: null,
    });
    await server.app.store.sequelize.query(
      'UPDATE idempotency_records SET updated_at = :at WHERE key = :key',
      {
        replacements: { at: longAgo, key: 'key-crashed' },
      },
    );
    const before = await upstream.sandbox.countDashboards();
    const response = await provision({ tenant_id: 'org-l', name: 'Sales' }, 'key-crashed');
    expect(response.statusCode).toBe(201);
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
    expect((await IdempotencyRecord.findByPk('key-crashed'))?.state).toBe('done');
  });

  it('refuses an unusable Idempotency-Key: 400 IDEMPOTENCY_KEY_INVALID', async () => {
    for (const key of ['has space', '', 'k'.repeat(256), 'tab\there']) {
      const response = await provision({ tenant_id: 'org-k', name: 'Sales' }, key);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    }
    expect((await server.counts()).idempotency).toBe(0);
    expect((await server.counts()).dashboards).toBe(0);
  });
});
