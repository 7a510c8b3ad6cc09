import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { KNOWN_EMBED_TOKEN, referenceSignature, VECTORS } from '@tenantdash/test-utils';
import {
  buildTestSandbox,
  createDashboard,
  embedUrl,
  listen,
  NOW_MS,
  referenceToken,
  signedHeaders,
  vectorWorkspaces,
  type TestClock,
} from './helpers.js';

const NOW_S = Math.floor(NOW_MS / 1000);
const ORIGIN = 'https://app.example.com';

let app: FastifyInstance;
let clock: TestClock;
let dashboardId: string;

beforeEach(async () => {
  ({ app, clock } = await buildTestSandbox({
    workspaces: [
      { id: 'ws_demo', apiKeys: [], allowedOrigins: [ORIGIN, 'http://127.0.0.1:5173'] },
      {
        id: 'ws_other',
        apiKeys: [{ id: 'ak_other', secret: 'sk_other_secret_value' }],
        dashboards: [{ id: 'dash_other', title: 'Other' }],
      },
    ],
  }));
  dashboardId = await createDashboard(app, 'Revenue <overview> & "more"');
});
afterEach(async () => {
  await app.close();
});

const view = (url: string) => app.inject({ method: 'GET', url });
const errorCode = (html: string) => /data-error-code="([A-Z_]+)"/.exec(html)?.[1];

async function usage() {
  const response = await app.inject({
    method: 'GET',
    url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
    headers: signedHeaders({ validUntil: Math.floor(clock.now() / 1000) + 300 }),
  });
  return response.json().data.usage as Array<{
    tenant_id: string;
    credits_used: number;
    request_count: number;
  }>;
}

describe('accepted tokens', () => {
  it('renders the dashboard for a reference-made token, with the security headers', async () => {
    const token = referenceToken({ tenantId: 'acme', dashboardId });
    const response = await view(embedUrl(token, 'ws_demo', dashboardId));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain(`frame-ancestors ${ORIGIN} http://127.0.0.1:5173`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = response.body;
    expect(html).toContain('data-embed-status="ok"');
    expect(html).toContain('<h1>Revenue &lt;overview&gt; &amp; &quot;more&quot;</h1>');
    expect(html.match(/<section class="tile">/g)).toHaveLength(4);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(4);
    expect(html).not.toContain(token);
    expect(html).not.toMatch(/https?:\/\/(?!app\.example\.com|127\.0\.0\.1:5173)/); // no external asset
    // Every script carries the nonce from the CSP.
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html.match(/<script nonce="([^"]+)"/g)?.every((tag) => tag.includes(nonce as string))).toBe(true);
  });

  it('accepts every shared vector token on its embed page', async () => {
    const cases = VECTORS.cases;
    const vectorApp = (
      await buildTestSandbox({ workspaces: vectorWorkspaces(cases), now: () => VECTORS.now_ms })
    ).app;
    try {
      for (const c of cases) {
        const response = await vectorApp.inject({
          method: 'GET',
          url: embedUrl(c.token, c.workspace_id, c.dashboard_id),
        });
        expect(response.statusCode, c.dashboard_id).toBe(200);
      }
    } finally {
      await vectorApp.close();
    }
  });

  it('accepts the known-answer token of docs/papermap-protocol.md section 8', async () => {
    const known = (
      await buildTestSandbox({
        workspaces: [
          {
            id: 'workspace-456',
            apiKeys: [{ id: 'ak_test', secret: 'sk_test_secret' }],
            dashboards: [{ id: 'dash-789', title: 'Known' }],
          },
        ],
        now: () => 1_699_999_000_000,
      })
    ).app;
    try {
      const { token } = KNOWN_EMBED_TOKEN;
      expect(
        referenceToken({
          apiKeyId: 'ak_test',
          secret: 'sk_test_secret',
          workspaceId: 'workspace-456',
          tenantId: 'org-123',
          dashboardId: 'dash-789',
          validUntil: 1_699_999_999,
        }),
      ).toBe(token);
      const response = await known.inject({
        method: 'GET',
        url: embedUrl(token, 'workspace-456', 'dash-789'),
      });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Tenant: org-123');
    } finally {
      await known.close();
    }
  });

  it('accepts a token whose tenant_id was edited, as Papermap would (the MAC does not cover it, docs/papermap-protocol.md 7.1)', async () => {
    const token = referenceToken({ tenantId: 'acme', dashboardId });
    const json = Buffer.from(token, 'base64url').toString('utf8').replace('"acme"', '"evil"');
    const edited = Buffer.from(json)
      .toString('base64url')
      .padEnd(Math.ceil(Buffer.byteLength(json) / 3) * 4, '=');
    const response = await view(embedUrl(edited, 'ws_demo', dashboardId));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Tenant: evil');
  });

  it('draws different data for different tenants and the same data for the same tenant', async () => {
    const page = async (tenant: string) =>
      (await view(embedUrl(referenceToken({ tenantId: tenant, dashboardId }), 'ws_demo', dashboardId))).body
        .replace(/nonce="[^"]+"/g, '')
        .replace(/"server_now_ms":\d+/, '');
    const acme = await page('acme');
    expect(await page('acme')).toBe(acme);
    const globex = await page('globex');
    const charts = (html: string) => html.match(/<svg class="chart"[\s\S]*?<\/svg>/g)?.join('');
    expect(charts(globex)).not.toBe(charts(acme));
  });

  it('counts each view toward the tenant usage (2 credits, 1 request)', async () => {
    const token = referenceToken({ tenantId: 'acme', dashboardId });
    await view(embedUrl(token, 'ws_demo', dashboardId));
    await view(embedUrl(token, 'ws_demo', dashboardId));
    await view(embedUrl(token, 'ws_demo', 'not-the-dashboard'));
    expect(await usage()).toEqual([
      { tenant_id: 'acme', period: '2026-03', credits_used: 4, request_count: 2 },
    ]);
  });
});

describe('refused tokens: an HTML error page with the right status, never 5xx', () => {
  const good = () => referenceToken({ tenantId: 'acme', dashboardId });
  // A token that needs padding and uses the URL-safe characters, so re-padding and re-alphabet edits bite.
  const urlSafePadded = () => {
    // '?', '>' and '~' produce the high sextets that base64url writes as '-' and '_'.
    for (let i = 0; i < 1000; i++) {
      const token = referenceToken({ tenantId: `t?>~${'~'.repeat(i % 7)}${i}`, dashboardId });
      if (/=$/.test(token) && /[-_]/.test(token)) return token;
    }
    throw new Error('no suitable tenant id found');
  };
  const swapCase = (text: string) =>
    text.replace(/[a-zA-Z]/g, (ch) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()));

  const cases: Array<[string, () => string, number, string]> = [
    ['truncated', () => good().slice(0, -8), 400, 'TOKEN_MALFORMED'],
    ['re-padded', () => `${good()}==`, 400, 'TOKEN_MALFORMED'],
    ['unpadded', () => urlSafePadded().replace(/=+$/, ''), 400, 'TOKEN_MALFORMED'],
    [
      'standard base64 alphabet',
      () => Buffer.from(urlSafePadded(), 'base64url').toString('base64'),
      400,
      'TOKEN_MALFORMED',
    ],
    ['re-cased', () => swapCase(good()), 400, 'TOKEN_MALFORMED'],
    ['oversized', () => 'A'.repeat(4100), 400, 'TOKEN_MALFORMED'],
    ['not a token', () => 'hello', 400, 'TOKEN_MALFORMED'],
    [
      'signature tampered',
      () => {
        const json = Buffer.from(good(), 'base64url').toString('utf8');
        const sig = /"signature": "([0-9a-f]{64})"/.exec(json)?.[1] as string;
        const flipped = json.replace(sig, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
        return Buffer.from(flipped)
          .toString('base64url')
          .padEnd(Math.ceil(Buffer.byteLength(flipped) / 3) * 4, '=');
      },
      401,
      'TOKEN_INVALID',
    ],
    [
      'valid_until shifted',
      () =>
        referenceToken({ tenantId: 'acme', dashboardId }).slice(0, 0) +
        (() => {
          const json = `{"api_key_id": "ak_demo", "workspace_id": "ws_demo", "tenant_id": "acme", "dashboard_id": "${dashboardId}", "valid_until": ${NOW_S + 3601}, "signature": "${referenceSignature('sk_demo_0123456789abcdef0123456789abcdef', 'ws_demo', NOW_S + 3600)}"}`;
          return Buffer.from(json)
            .toString('base64url')
            .padEnd(Math.ceil(Buffer.byteLength(json) / 3) * 4, '=');
        })(),
      401,
      'TOKEN_INVALID',
    ],
    [
      'wrong secret',
      () => referenceToken({ secret: 'sk_wrong', tenantId: 'acme', dashboardId }),
      401,
      'TOKEN_INVALID',
    ],
    [
      'unknown key',
      () => referenceToken({ apiKeyId: 'ak_nobody', tenantId: 'acme', dashboardId }),
      401,
      'TOKEN_INVALID',
    ],
    [
      'key of another workspace',
      () =>
        referenceToken({
          apiKeyId: 'ak_other',
          secret: 'sk_other_secret_value',
          tenantId: 'acme',
          dashboardId,
        }),
      401,
      'TOKEN_INVALID',
    ],
    [
      'expired',
      () => referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S - 1 }),
      401,
      'TOKEN_EXPIRED',
    ],
    [
      'beyond the lifetime cap',
      () => referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S + 86_401 }),
      401,
      'TOKEN_LIFETIME_EXCEEDED',
    ],
  ];

  for (const [name, token, status, code] of cases) {
    it(name, async () => {
      const response = await view(embedUrl(token(), 'ws_demo', dashboardId, true));
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toContain('data-embed-status="error"');
      expect(errorCode(response.body)).toBe(code);
      expect(response.body).toContain('"debug":true');
      expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(await usage()).toEqual([]);
    });
  }

  it('refuses a no-separator shift of the token workspace', async () => {
    // ("ws_demo", V) re-read as ("ws_dem", "o"+V) is not even a number; shift into an id that exists instead.
    const json = `{"api_key_id": "ak_other", "workspace_id": "ws_other", "tenant_id": "acme", "dashboard_id": "dash_other", "valid_until": 1${NOW_S}, "signature": "${referenceSignature('sk_other_secret_value', 'ws_other1', NOW_S)}"}`;
    const token = Buffer.from(json)
      .toString('base64url')
      .padEnd(Math.ceil(Buffer.byteLength(json) / 3) * 4, '=');
    const response = await view(embedUrl(token, 'ws_other', 'dash_other'));
    expect(response.statusCode).toBe(401);
  });

  it('refuses URL ids that differ from the token (403) and unknown dashboards (404)', async () => {
    const token = referenceToken({ tenantId: 'acme', dashboardId });
    const wrongWorkspace = await view(embedUrl(token, 'ws_other', dashboardId));
    expect([wrongWorkspace.statusCode, errorCode(wrongWorkspace.body)]).toEqual([403, 'TOKEN_MISMATCH']);
    const wrongDashboard = await view(embedUrl(token, 'ws_demo', 'dash_elsewhere'));
    expect([wrongDashboard.statusCode, errorCode(wrongDashboard.body)]).toEqual([403, 'TOKEN_MISMATCH']);
    const ghost = referenceToken({ tenantId: 'acme', dashboardId: 'dash_ghost' });
    const missing = await view(embedUrl(ghost, 'ws_demo', 'dash_ghost'));
    expect([missing.statusCode, errorCode(missing.body)]).toEqual([404, 'DASHBOARD_NOT_FOUND']);
    // A dashboard of another workspace is not found through this workspace's token.
    const foreign = referenceToken({ tenantId: 'acme', dashboardId: 'dash_other' });
    expect((await view(embedUrl(foreign, 'ws_demo', 'dash_other'))).statusCode).toBe(404);
  });

  it('refuses missing or repeated parameters with 400', async () => {
    const token = good();
    for (const url of [
      '/embedded/dashboard',
      `/embedded/dashboard?workspace-id=ws_demo&dashboard-id=${dashboardId}`,
      `${embedUrl(token, 'ws_demo', dashboardId)}&workspace-id=ws_demo`,
      `/embedded/dashboard?embedded-token=&workspace-id=ws_demo&dashboard-id=${dashboardId}`,
    ]) {
      const response = await view(url);
      expect(response.statusCode).toBe(400);
      expect(errorCode(response.body)).toBe('MISSING_PARAMETERS');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('does not print debug diagnostics unless debug=true', async () => {
    const response = await view(embedUrl('hello', 'ws_demo', dashboardId));
    expect(response.body).toContain('"debug":false');
  });
});

describe('token re-check (postMessage extension)', () => {
  const check = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/embedded/dashboard/token-check', payload });

  it('accepts a fresh token for the same tenant and dashboard, without counting a view', async () => {
    const token = referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S + 1800 });
    const response = await check({
      token,
      workspace_id: 'ws_demo',
      dashboard_id: dashboardId,
      tenant_id: 'acme',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ valid: true, expires_at: NOW_S + 1800 });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(await usage()).toEqual([]);
  });

  it('refuses another tenant, an expired token and a bad body', async () => {
    const other = referenceToken({ tenantId: 'globex', dashboardId });
    expect(
      (
        await check({ token: other, workspace_id: 'ws_demo', dashboard_id: dashboardId, tenant_id: 'acme' })
      ).json(),
    ).toEqual({
      error: 'The embed token was refused',
      code: 'TOKEN_MISMATCH',
      status: 403,
    });
    clock.advance(3_601_000);
    const expired = await check({
      token: referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S + 3600 }),
      workspace_id: 'ws_demo',
      dashboard_id: dashboardId,
      tenant_id: 'acme',
    });
    expect(expired.json()).toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
    const bad = await check({ token: 5 });
    expect(bad.json()).toMatchObject({ code: 'INVALID_BODY', status: 400 });
  });
});

describe('over a real socket', () => {
  it('serves the page and the error page', async () => {
    const base = await listen(app);
    const ok = await fetch(
      `${base}${embedUrl(referenceToken({ tenantId: 'acme', dashboardId }), 'ws_demo', dashboardId)}`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('data-embed-status="ok"');
    const bad = await fetch(`${base}${embedUrl('garbage', 'ws_demo', dashboardId)}`);
    expect(bad.status).toBe(400);
  });
});
