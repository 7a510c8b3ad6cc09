/** The whole flow over real sockets: provision → token → the sandbox's embed page accepts it. */
import { decodeEmbedToken } from '@tenantdash/core';
import { expect, it } from 'vitest';
import { ADMIN_KEY, jwt, SANDBOX_SEED, useTestStack } from './helper.js';

const stack = useTestStack({ env: { EMBED_TOKEN_TTL_SECONDS: '600' }, listen: true });

it('provisions over HTTP, mints a token, and the sandbox embed page renders the dashboard', async () => {
  const created = await fetch(`${stack.url}/api/v1/dashboards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': ADMIN_KEY, 'idempotency-key': 'flow-1' },
    body: JSON.stringify({ tenant_id: 'org-123', name: 'Revenue', description: 'Per month' }),
  });
  expect(created.status).toBe(201);
  const dashboard = (await created.json()) as { dashboard_id: string };

  const user = await jwt({ sub: 'alice', tenants: ['org-123'] });
  const started = Math.floor(Date.now() / 1000);
  const response = await fetch(`${stack.url}/api/v1/dashboards/iframe-token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${user}`,
      'user-agent': 'flow-test/1.0',
    },
    body: JSON.stringify({ tenant_id: 'org-123' }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const issued = (await response.json()) as {
    token: string;
    dashboard_id: string;
    expires_at: number;
    expires_in: number;
    embed_url: string;
  };
  expect(Object.keys(issued).sort()).toEqual([
    'dashboard_id',
    'embed_url',
    'expires_at',
    'expires_in',
    'token',
  ]);
  // Whole seconds left when the server answered, rounded down: at most 600 for a 600 s token, and no fewer
  // than are left now (the answer is counted after the audit row is written, which on a busy machine can
  // take a second of its own).
  expect(issued.expires_in).toBeGreaterThanOrEqual(Math.floor(issued.expires_at - Date.now() / 1000));
  expect(issued.expires_in).toBeLessThanOrEqual(600);
  expect(issued.expires_in).toBeLessThanOrEqual(issued.expires_at - started);
  expect(issued.dashboard_id).toBe(dashboard.dashboard_id);
  expect(issued.expires_at - started).toBeGreaterThanOrEqual(599);
  expect(issued.expires_at - started).toBeLessThanOrEqual(601);

  const claims = decodeEmbedToken(issued.token);
  expect(claims).toMatchObject({
    api_key_id: SANDBOX_SEED.apiKeyId,
    workspace_id: SANDBOX_SEED.workspaceId,
    tenant_id: 'org-123',
    dashboard_id: dashboard.dashboard_id,
    valid_until: issued.expires_at,
  });

  const embedUrl = new URL(issued.embed_url);
  expect(embedUrl.origin + embedUrl.pathname).toBe(`${stack.sandbox.url}/embedded/dashboard`);
  expect(embedUrl.searchParams.get('embedded-token')).toBe(issued.token);
  expect(embedUrl.searchParams.get('workspace-id')).toBe(SANDBOX_SEED.workspaceId);
  expect(embedUrl.searchParams.get('dashboard-id')).toBe(dashboard.dashboard_id);

  const page = await fetch(issued.embed_url);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('data-embed-status="ok"');
  expect(html).not.toContain('data-error-code');

  // The audit row: who, where from, when, and the token's hash — never the token.
  const rows = await stack.server.app.store.models.TokenAudit.findAll();
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  expect(row.tenant_id).toBe('org-123');
  expect(row.dashboard_id).toBe(dashboard.dashboard_id);
  expect(row.subject).toBe('user:alice');
  expect(row.ip).toBe('127.0.0.1');
  expect(row.user_agent).toBe('flow-test/1.0');
  expect(Math.floor(new Date(row.expires_at).getTime() / 1000)).toBe(issued.expires_at);
  const { createHash } = await import('node:crypto');
  expect(row.token_sha256).toBe(createHash('sha256').update(issued.token).digest('hex'));
  expect(JSON.stringify(row.toJSON())).not.toContain(issued.token);
  expect(JSON.stringify(row.toJSON())).not.toContain(claims.signature);

  // Logged, without the token or its signature.
  const logs = stack.server.logs.join('\n');
  const issuedLine = stack.server.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.tenant_id === 'org-123' && line.msg === 'request completed');
  expect(issuedLine).toMatchObject({
    req: { method: 'POST', url: '/api/v1/dashboards/iframe-token' },
    res: { statusCode: 200 },
    dashboard_id: dashboard.dashboard_id,
    subject: 'user:alice',
    expires_at: issued.expires_at,
  });
  expect(logs).not.toContain(issued.token);
  expect(logs).not.toContain(claims.signature);
  expect(logs).not.toContain(user);
});

it('a token edited to point at another tenant is refused by the embed page', async () => {
  const user = await jwt({ sub: 'bob', tenants: ['org-123'] });
  const response = await fetch(`${stack.url}/api/v1/dashboards/iframe-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user}` },
    body: JSON.stringify({ tenantId: 'org-123' }),
  });
  const issued = (await response.json()) as { embed_url: string };
  const page = await fetch(issued.embed_url.replace('dashboard-id=', 'dashboard-id=x'));
  expect(page.status).not.toBe(200);
  expect(await page.text()).toContain('data-error-code');
});
