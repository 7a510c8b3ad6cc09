import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestSandbox, signedHeaders, type TestClock } from './helpers.js';

const USAGE = '/api/v1/external/workspaces/ws_demo/tenant-usage';
let app: FastifyInstance;
let clock: TestClock;

beforeEach(async () => {
  ({ app, clock } = await buildTestSandbox({
    workspaces: [{ id: 'ws_other', apiKeys: [{ id: 'ak_other', secret: 'sk_other_secret_value' }] }],
  }));
});
afterEach(async () => {
  await app.close();
});

const sign = (tenantId?: string) =>
  signedHeaders({
    validUntil: Math.floor(clock.now() / 1000) + 300,
    ...(tenantId === undefined ? {} : { tenantId }),
  });

async function createAs(tenantId?: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/external/dashboards',
    headers: sign(tenantId),
    payload: { workspace_id: 'ws_demo', title: 'T', description: null },
  });
  expect(response.statusCode).toBe(200);
}

async function usage(query = '', tenantId?: string) {
  const response = await app.inject({ method: 'GET', url: `${USAGE}${query}`, headers: sign(tenantId) });
  return response;
}

describe('usage accounting in calendar-month buckets', () => {
  it('charges X-Tenant-ID per call and splits at the UTC month boundary', async () => {
    clock.set(Date.UTC(2026, 0, 31, 23, 59, 59));
    await createAs('acme');
    await createAs('acme');
    await createAs('globex');
    await createAs(); // unattributed
    clock.set(Date.UTC(2026, 1, 1, 0, 0, 0));
    await createAs('acme');
    const response = await usage();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      message: 'Tenant usage retrieved successfully',
      data: {
        workspace_id: 'ws_demo',
        usage: [
          { tenant_id: 'acme', period: '2026-01', credits_used: 20, request_count: 2 },
          { tenant_id: 'globex', period: '2026-01', credits_used: 10, request_count: 1 },
          { tenant_id: 'acme', period: '2026-02', credits_used: 10, request_count: 1 },
        ],
        page: 1,
        per_page: 50,
        total: 3,
        total_pages: 1,
        from_period: null,
        to_period: null,
      },
    });
  });

  it('charges a usage read to its tenant after answering', async () => {
    const first = await usage('', 'acme');
    expect(first.json().data.usage).toEqual([]);
    const second = await usage('', 'acme');
    expect(second.json().data.usage).toEqual([
      { tenant_id: 'acme', period: '2026-03', credits_used: 1, request_count: 1 },
    ]);
  });

  it('keeps workspaces apart', async () => {
    await createAs('acme');
    const other = await app.inject({
      method: 'GET',
      url: '/api/v1/external/workspaces/ws_other/tenant-usage',
      headers: signedHeaders({
        apiKeyId: 'ak_other',
        secret: 'sk_other_secret_value',
        workspaceId: 'ws_other',
      }),
    });
    expect(other.json().data).toMatchObject({ workspace_id: 'ws_other', usage: [], total: 0 });
  });

  it('refuses reading another workspace with this key (401)', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/external/workspaces/ws_other/tenant-usage',
      headers: sign(),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'WORKSPACE_MISMATCH', status: 401 });
  });

  it('filters by period and paginates', async () => {
    for (const [month, tenants] of [
      [0, ['a', 'b', 'c']],
      [1, ['a', 'b']],
      [2, ['a']],
    ] as const) {
      clock.set(Date.UTC(2026, month, 10));
      for (const tenant of tenants) await createAs(tenant);
    }
    const page1 = (await usage('?from_period=2026-02&to_period=2026-03&per_page=2')).json().data;
    expect(page1).toMatchObject({
      page: 1,
      per_page: 2,
      total: 3,
      total_pages: 2,
      from_period: '2026-02',
      to_period: '2026-03',
    });
    expect(
      page1.usage.map((u: { tenant_id: string; period: string }) => `${u.period}/${u.tenant_id}`),
    ).toEqual(['2026-02/a', '2026-02/b']);
    const page2 = (await usage('?from_period=2026-02&to_period=2026-03&per_page=2&page=2')).json().data;
    expect(
      page2.usage.map((u: { tenant_id: string; period: string }) => `${u.period}/${u.tenant_id}`),
    ).toEqual(['2026-03/a']);
    const beyond = (await usage('?page=9')).json().data;
    expect(beyond).toMatchObject({ usage: [], page: 9, total: 6 });
    const single = (await usage('?from_period=2026-01&to_period=2026-01&per_page=100')).json().data;
    expect(single.total).toBe(3);
  });
});

describe('query validation (400)', () => {
  const cases: Array<[string, string]> = [
    ['?from_period=2026-13', 'INVALID_PERIOD'],
    ['?to_period=2026-1', 'INVALID_PERIOD'],
    ['?from_period=202603', 'INVALID_PERIOD'],
    ['?from_period=2026-03&to_period=2026-02', 'INVALID_PERIOD'],
    ['?from_period=2026-01&from_period=2026-02', 'INVALID_QUERY'],
    ['?page=0', 'INVALID_PAGE'],
    ['?page=-1', 'INVALID_PAGE'],
    ['?page=1.5', 'INVALID_PAGE'],
    ['?page=abc', 'INVALID_PAGE'],
    ['?per_page=0', 'INVALID_PER_PAGE'],
    ['?per_page=101', 'INVALID_PER_PAGE'],
    ['?per_page=', 'INVALID_PER_PAGE'],
  ];
  for (const [query, code] of cases) {
    it(query, async () => {
      const response = await usage(query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: expect.any(String), code, status: 400 });
    });
  }

  it('accepts the bounds', async () => {
    expect((await usage('?per_page=1&page=1')).statusCode).toBe(200);
    expect((await usage('?per_page=100')).statusCode).toBe(200);
  });
});

describe('per-tenant usage history (path configurable: Papermap does not document it)', () => {
  it('answers one tenant’s months at the default path', async () => {
    clock.set(Date.UTC(2026, 0, 5));
    await createAs('acme');
    await createAs('globex');
    clock.set(Date.UTC(2026, 1, 5));
    await createAs('acme');
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/external/workspaces/ws_demo/tenants/acme/usage?from_period=2026-01',
      headers: sign(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().data).toMatchObject({
      workspace_id: 'ws_demo',
      tenant_id: 'acme',
      usage: [
        { tenant_id: 'acme', period: '2026-01', credits_used: 10, request_count: 1 },
        { tenant_id: 'acme', period: '2026-02', credits_used: 10, request_count: 1 },
      ],
      total: 2,
    });
    const unsigned = await app.inject({
      method: 'GET',
      url: '/api/v1/external/workspaces/ws_demo/tenants/acme/usage',
    });
    expect(unsigned.statusCode).toBe(401);
  });

  it('can be moved through config', async () => {
    const moved = (
      await buildTestSandbox({ tenantUsageHistoryPath: '/api/v1/external/usage/:workspace_id/:tenant_id' })
    ).app;
    try {
      const response = await moved.inject({
        method: 'GET',
        url: '/api/v1/external/usage/ws_demo/acme',
        headers: signedHeaders(),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().data.tenant_id).toBe('acme');
    } finally {
      await moved.close();
    }
    await expect(
      buildTestSandbox({ tenantUsageHistoryPath: '/elsewhere/:workspace_id/:tenant_id' }),
    ).rejects.toThrow(/tenantUsageHistoryPath/);
  });
});
