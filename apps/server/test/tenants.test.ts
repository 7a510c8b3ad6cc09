import { beforeAll, describe, expect, it } from 'vitest';
import { adminKey, bearer, jwt, provisionTenant, requestEmbedToken, useTestStack } from './helper.js';

let clock = Date.UTC(2026, 10, 22, 0, 0, 0);
const stack = useTestStack({ env: { USAGE_CACHE_TTL_MS: '30000' }, app: { now: () => clock } });
const dashboards: Record<string, string> = {};

beforeAll(async () => {
  for (const [tenant, name] of [
    ['k1', 'first'],
    ['k1', 'second'],
    ['k2', 'other'],
  ] as const) {
    dashboards[name] = (await provisionTenant(stack.server.app, tenant, name)).dashboard_id;
  }
});

const mint = (tenant: string, dashboard?: string) =>
  requestEmbedToken(stack.server.app, tenant, 'user-1', dashboard);

describe('token answers', () => {
  it('count expires_in in whole seconds left on the server clock, rounded down', async () => {
    const start = clock;
    try {
      clock = Date.UTC(2026, 10, 22, 0, 0, 10);
      const onTheSecond = (await mint('k2')).json();
      expect(onTheSecond.expires_in).toBe(onTheSecond.expires_at - clock / 1000);
      expect(onTheSecond.expires_in).toBeGreaterThan(0);
      clock += 750;
      const later = (await mint('k2')).json();
      // Same valid_until second, 0.75 s less left: rounded down, never more than the token really has.
      expect(later.expires_at).toBe(onTheSecond.expires_at);
      expect(later.expires_in).toBe(onTheSecond.expires_in - 1);
    } finally {
      clock = start;
    }
  });
});

describe('tenants', () => {
  it('lists tenants with dashboard counts (admin)', async () => {
    const response = await stack.server.app.inject({ url: '/api/v1/tenants', headers: adminKey });
    expect(response.json().tenants.map((t: object) => ({ ...t, created_at: undefined }))).toEqual([
      { tenant_id: 'k1', disabled: false, workspace_id: 'ws_demo', dashboards: 2 },
      { tenant_id: 'k2', disabled: false, workspace_id: 'ws_demo', dashboards: 1 },
    ]);
  });

  it('the kill switch stops new tokens for the tenant only, and can be undone', async () => {
    const disabled = await stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/k1/disable',
      headers: adminKey,
    });
    expect(disabled.json()).toEqual({ tenant_id: 'k1', disabled: true });
    const before = await stack.server.counts();
    const refused = await mint('k1');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({
      statusCode: 403,
      code: 'TENANT_DISABLED',
      error: 'Forbidden',
      message: 'This tenant is disabled',
    });
    expect((await stack.server.counts()).audit).toBe(before.audit);
    expect((await mint('k2')).statusCode).toBe(200);
    await stack.server.app.inject({ method: 'POST', url: '/api/v1/tenants/k1/enable', headers: adminKey });
    expect((await mint('k1')).statusCode).toBe(200);
  });

  it('disabling an unknown tenant is 404 TENANT_NOT_FOUND', async () => {
    const response = await stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/ghost/disable',
      headers: adminKey,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('TENANT_NOT_FOUND');
  });
});

describe('dashboards', () => {
  it('mints for a named dashboard of the tenant, or the default one', async () => {
    expect((await mint('k1', dashboards.second)).json().dashboard_id).toBe(dashboards.second);
    expect((await mint('k1')).json().dashboard_id).toBe(dashboards.first);
  });

  it('token lifetime follows the injected clock and the configured TTL', async () => {
    const response = await mint('k2');
    expect(response.json().expires_at).toBe(Math.floor(clock / 1000) + 3600);
  });

  it('a member reads and lists its own dashboards', async () => {
    const user = bearer(await jwt({ tenants: ['k1'] }));
    const list = await stack.server.app.inject({ url: '/api/v1/dashboards?tenant_id=k1', headers: user });
    expect(
      list.json().dashboards.map((d: { name: string; is_default: boolean }) => [d.name, d.is_default]),
    ).toEqual([
      ['first', true],
      ['second', false],
    ]);
    const one = await stack.server.app.inject({
      url: `/api/v1/dashboards/${dashboards.second}`,
      headers: user,
    });
    expect(one.json()).toMatchObject({
      dashboard_id: dashboards.second,
      tenant_id: 'k1',
      workspace_id: 'ws_demo',
    });
  });

  it('deleting the default mapping promotes the next dashboard; the tenant then mints for it', async () => {
    const removed = await stack.server.app.inject({
      method: 'DELETE',
      url: `/api/v1/dashboards/${dashboards.first}`,
      headers: adminKey,
    });
    expect(removed.statusCode).toBe(204);
    expect((await mint('k1')).json().dashboard_id).toBe(dashboards.second);
    const again = await stack.server.app.inject({
      method: 'DELETE',
      url: `/api/v1/dashboards/${dashboards.first}`,
      headers: adminKey,
    });
    expect(again.json().code).toBe('DASHBOARD_NOT_FOUND');
    const gone = await mint('k1', dashboards.first);
    expect(gone.json().code).toBe('DASHBOARD_NOT_FOUND');
  });
});

describe('usage', () => {
  it('shows a tenant only its own rows, from a briefly cached workspace report', async () => {
    const user = bearer(await jwt({ tenants: ['k2'] }));
    const first = await stack.server.app.inject({ url: '/api/v1/tenants/k2/usage', headers: user });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.workspace_id).toBe('ws_demo');
    expect(body.tenant_id).toBe('k2');
    expect(body.usage.length).toBeGreaterThan(0);
    for (const row of body.usage) expect(row.tenant_id).toBe('k2');
    expect(body.usage[0]).toHaveProperty('credits_used');

    // Within the cache window the same answer comes back even though upstream now fails.
    await stack.sandbox.setFault({ mode: 'error', status: 500 });
    const cached = await stack.server.app.inject({ url: '/api/v1/tenants/k2/usage', headers: user });
    expect(cached.json()).toEqual(body);
    clock += 31_000;
    const expired = await stack.server.app.inject({ url: '/api/v1/tenants/k2/usage', headers: user });
    await stack.sandbox.clearFault();
    expect(expired.statusCode).toBe(502);
  });

  it('admins read the whole workspace; users may not', async () => {
    const admin = await stack.server.app.inject({ url: '/api/v1/usage?per_page=100', headers: adminKey });
    expect(admin.statusCode).toBe(200);
    const tenants = new Set(admin.json().usage.map((row: { tenant_id: string }) => row.tenant_id));
    expect(tenants.has('k1') && tenants.has('k2')).toBe(true);
    const user = await stack.server.app.inject({
      url: '/api/v1/usage',
      headers: bearer(await jwt({ tenants: ['k2'] })),
    });
    expect(user.statusCode).toBe(403);
  });

  it('retries a transient upstream failure on reads and answers from the retry', async () => {
    clock += 31_000;
    stack.server.logs.length = 0;
    await stack.sandbox.setFault({ mode: 'error', status: 500, remaining: 1 });
    const response = await stack.server.app.inject({
      url: '/api/v1/usage?from_period=2026-01',
      headers: adminKey,
    });
    expect(response.statusCode).toBe(200);
    const warnings = stack.server.logs
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'papermap request failed');
    expect(warnings).toEqual([
      expect.objectContaining({
        operation: 'tenant-usage',
        attempt: 1,
        reason: 'status 500',
        willRetry: true,
      }),
    ]);
  });

  it("a foreign tenant's usage is 404 like a missing tenant", async () => {
    const user = bearer(await jwt({ tenants: ['k2'] }));
    const foreign = await stack.server.app.inject({ url: '/api/v1/tenants/k1/usage', headers: user });
    const missing = await stack.server.app.inject({ url: '/api/v1/tenants/nobody/usage', headers: user });
    expect(foreign.json().code).toBe('TENANT_NOT_FOUND');
    expect(missing.body).toBe(foreign.body);
  });
});
