import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, bearer, ISSUER, jwt, JWT_SECRET, provisionTenant, useTestStack } from './helper.js';

const stack = useTestStack();
let dashboardA: string;
let dashboardB: string;

beforeAll(async () => {
  const provision = async (tenant: string) =>
    (await provisionTenant(stack.server.app, tenant, `${tenant} dashboard`)).dashboard_id;
  dashboardA = await provision('tenant-a');
  dashboardB = await provision('tenant-b');
});

const mint = (headers: Record<string, string>, payload: object) =>
  stack.server.app.inject({ method: 'POST', url: '/api/v1/dashboards/iframe-token', headers, payload });

const UNAUTHENTICATED = {
  statusCode: 401,
  code: 'UNAUTHENTICATED',
  error: 'Unauthorized',
  message: 'A valid bearer token or admin key is required',
};
const TENANT_NOT_FOUND = {
  statusCode: 404,
  code: 'TENANT_NOT_FOUND',
  error: 'Not Found',
  message: 'Tenant not found',
};
const DASHBOARD_NOT_FOUND = {
  statusCode: 404,
  code: 'DASHBOARD_NOT_FOUND',
  error: 'Not Found',
  message: 'Dashboard not found',
};

describe('bearer JWTs', () => {
  it('a member of the tenant gets a token for its default dashboard', async () => {
    const response = await mint(bearer(await jwt({ tenants: ['tenant-a'] })), { tenant_id: 'tenant-a' });
    expect(response.statusCode).toBe(200);
    expect(response.json().dashboard_id).toBe(dashboardA);
  });

  it('accepts a single tenant as a string claim, and camelCase bodies', async () => {
    const response = await mint(bearer(await jwt({ tenants: 'tenant-a' })), {
      tenantId: 'tenant-a',
      dashboardId: dashboardA,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().dashboard_id).toBe(dashboardA);
  });

  const rejected: [string, () => Promise<Record<string, string>>][] = [
    ['no credentials', async () => ({})],
    [
      'a non-bearer scheme',
      async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
    ],
    ['garbage', async () => bearer('not-a-jwt')],
    [
      'a JWT signed with another secret',
      async () => bearer(await jwt({ tenants: ['tenant-a'], secret: 'x'.repeat(48) })),
    ],
    ['an expired JWT', async () => bearer(await jwt({ tenants: ['tenant-a'], expiresInSeconds: -60 }))],
    [
      'a JWT for another audience',
      async () => bearer(await jwt({ tenants: ['tenant-a'], audience: 'other-app' })),
    ],
    [
      'a JWT from another issuer',
      async () => bearer(await jwt({ tenants: ['tenant-a'], issuer: 'https://evil.test' })),
    ],
    ['a JWT without a subject', async () => bearer(await jwt({ tenants: ['tenant-a'], sub: '' }))],
    [
      'an unsigned JWT (alg none)',
      async () =>
        bearer(
          new UnsecuredJWT({ tenants: ['tenant-a'], sub: 'u' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .encode(),
        ),
    ],
    [
      'a JWT signed with HS512',
      async () =>
        bearer(
          await new SignJWT({ tenants: ['tenant-a'] })
            .setProtectedHeader({ alg: 'HS512' })
            .setSubject('u')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode(JWT_SECRET)),
        ),
    ],
    [
      'a JWT with a tampered payload',
      async () => {
        const [header, , signature] = (await jwt({ tenants: ['tenant-b'] })).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            sub: 'u',
            tenants: ['tenant-a'],
            iss: ISSUER,
            aud: AUDIENCE,
            exp: Math.floor(Date.now() / 1000) + 60,
          }),
        ).toString('base64url');
        return bearer(`${header}.${payload}.${signature}`);
      },
    ],
    ['a wrong admin key', async () => ({ 'x-admin-key': 'wrong-admin-key-0123456789-abcdef' })],
  ];

  for (const [name, headers] of rejected) {
    it(`refuses ${name}: 401 UNAUTHENTICATED, no audit row`, async () => {
      const before = await stack.server.counts();
      const response = await mint(await headers(), { tenant_id: 'tenant-a' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(UNAUTHENTICATED);
      expect(await stack.server.counts()).toEqual(before);
    });
  }

  it('a foreign tenant and an unknown tenant get the identical 404', async () => {
    const user = bearer(await jwt({ tenants: ['tenant-a'] }));
    const foreign = await mint(user, { tenant_id: 'tenant-b' });
    const missing = await mint(user, { tenant_id: 'tenant-zzz' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual(TENANT_NOT_FOUND);
    expect(missing.body).toBe(foreign.body);
    // Even a user who claims the unknown tenant cannot tell it apart.
    const claimsMissing = await mint(bearer(await jwt({ tenants: ['tenant-zzz'] })), {
      tenant_id: 'tenant-zzz',
    });
    expect(claimsMissing.body).toBe(foreign.body);
  });

  it("another tenant's dashboard looks like a missing one, and no token is issued", async () => {
    const before = await stack.server.counts();
    const user = bearer(await jwt({ tenants: ['tenant-a'] }));
    const foreign = await mint(user, { tenant_id: 'tenant-a', dashboard_id: dashboardB });
    const missing = await mint(user, { tenant_id: 'tenant-a', dashboard_id: 'no-such-dashboard' });
    expect(foreign.json()).toEqual(DASHBOARD_NOT_FOUND);
    expect(missing.body).toBe(foreign.body);
    const read = await stack.server.app.inject({ url: `/api/v1/dashboards/${dashboardB}`, headers: user });
    expect(read.json()).toEqual(DASHBOARD_NOT_FOUND);
    const list = await stack.server.app.inject({
      url: '/api/v1/dashboards?tenant_id=tenant-b',
      headers: user,
    });
    expect(list.json()).toEqual(TENANT_NOT_FOUND);
    expect(await stack.server.counts()).toEqual(before);
  });

  it('admin routes refuse a plain user with 403 FORBIDDEN and accept an admin claim', async () => {
    const user = bearer(await jwt({ tenants: ['tenant-a'] }));
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/tenants' },
      { method: 'POST' as const, url: '/api/v1/tenants/tenant-a/disable' },
      { method: 'DELETE' as const, url: `/api/v1/dashboards/${dashboardA}` },
      { method: 'POST' as const, url: '/api/v1/dashboards', payload: { tenant_id: 'tenant-a', name: 'x' } },
    ]) {
      const response = await stack.server.app.inject({ ...request, headers: user });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        statusCode: 403,
        code: 'FORBIDDEN',
        error: 'Forbidden',
        message: 'This action needs admin rights',
      });
    }
    const admin = await stack.server.app.inject({
      url: '/api/v1/tenants',
      headers: bearer(await jwt({ admin: true })),
    });
    expect(admin.statusCode).toBe(200);
    expect(admin.json().tenants.map((t: { tenant_id: string }) => t.tenant_id)).toEqual([
      'tenant-a',
      'tenant-b',
    ]);
  });

  it('an admin JWT may mint for any tenant; the audit row names the user', async () => {
    const response = await mint(bearer(await jwt({ sub: 'ops-1', admin: true })), { tenant_id: 'tenant-b' });
    expect(response.statusCode).toBe(200);
    const row = await stack.server.app.store.models.TokenAudit.findOne({ order: [['id', 'DESC']] });
    expect(row?.subject).toBe('user:ops-1');
    expect(row?.tenant_id).toBe('tenant-b');
  });
});
