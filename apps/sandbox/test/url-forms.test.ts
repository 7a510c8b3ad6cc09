/**
 * The embed URL forms Papermap's docs show: `?embedded-token=<token>` alone (the token pasted raw, or
 * percent-encoded), the same with `&debug=true`, and with `&workspace-id=…&dashboard-id=…`. The token names
 * the workspace and dashboard; ids the URL names as well must be the token's.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTestSandbox,
  createDashboard,
  listen,
  NOW_MS,
  referenceToken,
  signedHeaders,
  type TestClock,
} from './helpers.js';

let app: FastifyInstance;
let clock: TestClock;
let dashboardId: string;
let token: string;
/** A tenant whose token ends in `=` padding, which a raw paste leaves unescaped. */
let tenant: string;

beforeEach(async () => {
  ({ app, clock } = await buildTestSandbox({
    workspaces: [
      {
        id: 'ws_other',
        apiKeys: [{ id: 'ak_other', secret: 'sk_other_secret_value' }],
        dashboards: [{ id: 'dash_other', title: 'Other' }],
      },
    ],
  }));
  dashboardId = await createDashboard(app, 'Acme overview');
  tenant = ['acme', 'acme-1', 'acme-12'].find((id) =>
    referenceToken({ tenantId: id, dashboardId }).endsWith('='),
  )!;
  token = referenceToken({ tenantId: tenant, dashboardId });
});
afterEach(async () => {
  await app.close();
});

const view = (query: string) => app.inject({ method: 'GET', url: `/embedded/dashboard?${query}` });
const shown = (html: string) => ({
  status: /data-embed-status="([a-z]+)"/.exec(html)?.[1],
  code: /data-error-code="([A-Z_]+)"/.exec(html)?.[1],
  tenant: /data-tenant="([^"]+)"/.exec(html)?.[1],
  debug: /"debug":(true|false)/.exec(html)?.[1],
});

async function viewsCharged(): Promise<number> {
  const response = await app.inject({
    method: 'GET',
    url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
    headers: signedHeaders({ validUntil: Math.floor(clock.now() / 1000) + 300 }),
  });
  const rows = response.json().data.usage as { tenant_id: string; request_count: number }[];
  return rows.find((row) => row.tenant_id === tenant)?.request_count ?? 0;
}

describe("the forms of Papermap's docs", () => {
  it('the token pasted raw, padding and all: the dashboard of the token, charged as a view', async () => {
    expect(token).toMatch(/=$/);
    const response = await view(`embedded-token=${token}`);
    expect(response.statusCode).toBe(200);
    expect(shown(response.body)).toEqual({ status: 'ok', code: undefined, tenant, debug: 'false' });
    expect(response.body).toContain('<h1>Acme overview</h1>');
    expect(await viewsCharged()).toBe(1);
  });

  it('the token percent-encoded', async () => {
    const response = await view(new URLSearchParams({ 'embedded-token': token }).toString());
    expect(response.statusCode).toBe(200);
    expect(shown(response.body)).toMatchObject({ status: 'ok', tenant });
  });

  it('with &debug=true, raw and encoded', async () => {
    for (const query of [
      `embedded-token=${token}&debug=true`,
      `embedded-token=${encodeURIComponent(token)}&debug=true`,
    ]) {
      const response = await view(query);
      expect(response.statusCode).toBe(200);
      expect(shown(response.body)).toMatchObject({ status: 'ok', tenant, debug: 'true' });
    }
  });

  it('with workspace-id and dashboard-id that are the token’s (basic embedding)', async () => {
    const response = await view(`embedded-token=${token}&workspace-id=ws_demo&dashboard-id=${dashboardId}`);
    expect(response.statusCode).toBe(200);
  });

  it('over a real socket, the URL exactly as the docs’ iframe example writes it', async () => {
    const base = await listen(app);
    const response = await fetch(`${base}/embedded/dashboard?embedded-token=${token}`);
    expect(response.status).toBe(200);
    expect(shown(await response.text())).toMatchObject({ status: 'ok', tenant });
  });
});

describe('still refused', () => {
  it.each([
    ['a workspace-id that is not the token’s', () => `embedded-token=${token}&workspace-id=ws_other`],
    ['a dashboard-id that is not the token’s', () => `embedded-token=${token}&dashboard-id=dash_other`],
    [
      'both ids of another dashboard',
      () => `embedded-token=${token}&workspace-id=ws_other&dashboard-id=dash_other`,
    ],
  ])('%s: 403 TOKEN_MISMATCH', async (_name, query) => {
    const response = await view(query());
    expect([response.statusCode, shown(response.body).code]).toEqual([403, 'TOKEN_MISMATCH']);
  });

  it('a token alone whose dashboard is not in its workspace: 404 DASHBOARD_NOT_FOUND', async () => {
    for (const dashboard of ['dash_ghost', 'dash_other']) {
      const response = await view(
        `embedded-token=${referenceToken({ tenantId: 'acme', dashboardId: dashboard })}`,
      );
      expect([response.statusCode, shown(response.body).code]).toEqual([404, 'DASHBOARD_NOT_FOUND']);
    }
  });

  it('a token alone that has expired, or was tampered with', async () => {
    clock.set(NOW_MS + 3601 * 1000);
    const expired = await view(`embedded-token=${token}`);
    expect([expired.statusCode, shown(expired.body).code]).toEqual([401, 'TOKEN_EXPIRED']);
    clock.set(NOW_MS);
    const tampered = await view(`embedded-token=${token.slice(0, -6)}AAAA==`);
    expect(tampered.statusCode).toBeGreaterThanOrEqual(400);
    expect(shown(tampered.body).status).toBe('error');
  });

  it.each([
    ['no token', 'workspace-id=ws_demo'],
    ['an empty token', 'embedded-token='],
    ['two tokens', () => `embedded-token=${token}&embedded-token=${token}`],
    ['an empty workspace-id', () => `embedded-token=${token}&workspace-id=`],
    ['an empty dashboard-id', () => `embedded-token=${token}&dashboard-id=`],
    [
      'a repeated dashboard-id',
      () => `embedded-token=${token}&dashboard-id=${dashboardId}&dashboard-id=${dashboardId}`,
    ],
  ])('%s: 400 MISSING_PARAMETERS, nothing charged', async (_name, query) => {
    const response = await view(typeof query === 'function' ? query() : query);
    expect([response.statusCode, shown(response.body).code]).toEqual([400, 'MISSING_PARAMETERS']);
    expect(await viewsCharged()).toBe(0);
  });
});
