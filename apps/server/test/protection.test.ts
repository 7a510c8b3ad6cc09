import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  adminKey,
  bearer,
  buildTestServer,
  jwt,
  provisionTenant,
  SANDBOX_SEED,
  useTestStack,
} from './helper.js';

const stack = useTestStack({ env: { RATE_LIMIT_TOKEN_MAX: '3', RATE_LIMIT_GLOBAL_MAX: '1000' } });

beforeAll(async () => {
  for (const tenant of ['t1', 't2']) await provisionTenant(stack.server.app, tenant);
});

const mint = (headers: Record<string, string>, payload: object, remoteAddress = '127.0.0.1') =>
  stack.server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards/iframe-token',
    headers,
    payload,
    remoteAddress,
  });

describe('rate limits on the token endpoint', () => {
  it('counts per user and tenant, with standard headers and the shared 429 body', async () => {
    const alice = bearer(await jwt({ sub: 'alice', tenants: ['t1', 't2'] }));
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await mint(alice, { tenant_id: 't1' });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers['x-ratelimit-limit']).toBe('3');
    expect(last!.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json()).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      error: 'Too Many Requests',
      message: expect.stringMatching(/^Too many requests, retry in /),
    });
    // Another tenant of the same user, and another user of the same tenant, have their own budgets.
    expect((await mint(alice, { tenant_id: 't2' })).statusCode).toBe(200);
    const bob = bearer(await jwt({ sub: 'bob', tenants: ['t1'] }));
    expect((await mint(bob, { tenant_id: 't1' })).statusCode).toBe(200);
    // camelCase does not open a second budget.
    expect((await mint(alice, { tenantId: 't1' })).statusCode).toBe(429);
    // Refused requests issued nothing: 3 (alice t1) + 1 (alice t2) + 1 (bob) audit rows.
    expect((await stack.server.counts()).audit).toBe(5);
  });

  it('counts unauthenticated callers per IP, before refusing them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await mint(bearer('forged'), { tenant_id: 't1' }, '10.0.0.7')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another address is unaffected.
    expect((await mint({}, { tenant_id: 't1' }, '10.0.0.8')).statusCode).toBe(401);
  });
});

describe('headers', () => {
  it('sends security headers and no-store on tokens', async () => {
    const response = await mint(bearer(await jwt({ sub: 'carol', tenants: ['t2'] })), { tenant_id: 't2' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['strict-transport-security']).toContain('max-age=');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('sends helmet 8 headers, exactly, on answers and on errors alike', async () => {
    const expected = {
      'content-security-policy':
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
        "frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';" +
        "script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-site',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    };
    const token = await mint(bearer(await jwt({ sub: 'dora', tenants: ['t1'] })), { tenant_id: 't1' });
    const refused = await mint({}, { tenant_id: 't1' }, '10.0.0.9');
    const missing = await stack.server.app.inject({ url: '/nope' });
    expect([token.statusCode, refused.statusCode, missing.statusCode]).toEqual([200, 401, 404]);
    for (const response of [token, refused, missing]) {
      expect(response.headers).toMatchObject(expected);
    }
  });

  it('allows exactly the configured CORS origins', async () => {
    const preflight = (origin: string) =>
      stack.server.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/dashboards/iframe-token',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-headers']).toBe(
      'Authorization, Content-Type, Idempotency-Key',
    );
    for (const origin of [
      'https://evil.example.com',
      'https://app.example.com.evil.test',
      'http://app.example.com',
    ]) {
      expect((await preflight(origin)).headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('lets an allowed origin read Date (clock skew) and Retry-After (back-off) on token answers', async () => {
    const response = await stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards/iframe-token',
      headers: {
        origin: 'https://app.example.com',
        'content-type': 'application/json',
        ...bearer(await jwt({ sub: 'erin', tenants: ['t1'] })),
      },
      payload: { tenant_id: 't1' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-expose-headers']).toBe('Date, Retry-After');
  });
});

describe('logs', () => {
  it('never hold credentials, tokens, signatures or query strings', async () => {
    stack.server.logs.length = 0;
    const user = await jwt({ sub: 'dave', tenants: ['t1'] });
    const issued = (await mint(bearer(user), { tenant_id: 't1' }, '10.1.1.1')).json();
    await stack.server.app.inject({
      url: '/api/v1/tenants/t1/usage?from_period=2026-01&secret=sk_leak',
      headers: bearer(user),
    });
    await stack.server.app.inject({ url: '/api/v1/tenants', headers: { 'x-admin-key': ADMIN_KEY } });
    await stack.server.app.inject({ url: `/nope?embedded-token=${encodeURIComponent(issued.token)}` });
    const logs = stack.server.logs.join('\n');
    expect(logs).toContain('"url":"/api/v1/tenants/t1/usage"');
    expect(logs).toContain('"url":"/nope"');
    for (const secret of [user, issued.token, ADMIN_KEY, SANDBOX_SEED.secretKey, 'sk_leak', 'from_period']) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/[0-9a-f]{64}/);
  });

  it('writes one access line per request, with the path, status and duration', async () => {
    stack.server.logs.length = 0;
    const user = await jwt({ sub: 'erin', tenants: ['t1'] });
    const issued = (await mint(bearer(user), { tenant_id: 't1' }, '10.2.2.2')).json();
    await stack.server.app.inject({ url: '/nope?x=1', remoteAddress: '10.2.2.3' });
    const lines = stack.server.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    // The issued token's tenant, dashboard and subject ride on the access line: no line of their own.
    expect(lines.map((line) => line.msg)).toEqual(['request completed', 'request completed']);
    const [token, missing] = lines;
    expect(token).toMatchObject({
      level: 30,
      req: { method: 'POST', url: '/api/v1/dashboards/iframe-token', ip: '10.2.2.2' },
      res: { statusCode: 200 },
      tenant_id: 't1',
      dashboard_id: issued.dashboard_id,
      subject: 'user:erin',
      expires_at: issued.expires_at,
    });
    expect(typeof token?.responseTime).toBe('number');
    expect(missing).toMatchObject({ req: { method: 'GET', url: '/nope' }, res: { statusCode: 404 } });
  });

  it('an unexpected failure is a generic 500 with nothing of the cause in the body', async () => {
    const broken = await buildTestServer(stack.sandbox.url);
    await broken.app.store.sequelize.close();
    const response = await broken.app.inject({ url: '/api/v1/tenants', headers: adminKey });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      error: 'Internal Server Error',
      message: 'Something went wrong',
    });
    expect(broken.logs.join('\n')).toContain('unexpected error');
    await broken.close().catch(() => undefined);
  });

  it('5xx answers are generic', async () => {
    await stack.sandbox.setFault({ mode: 'error', status: 500 });
    const response = await stack.server.app.inject({ url: '/api/v1/usage', headers: adminKey });
    await stack.sandbox.clearFault();
    expect(response.statusCode).toBe(502);
    expect(response.json()).toEqual({
      statusCode: 502,
      code: 'UPSTREAM_ERROR',
      error: 'Bad Gateway',
      message: 'Papermap could not complete the request',
    });
  });
});
