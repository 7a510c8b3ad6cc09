// The development-only identity endpoint: what it signs, what it refuses, and that it will not run in production.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JWT_DEFAULTS, demoDevConfig } from '../identity/config';
import { assertDevelopment, demoIdentity, identityMiddleware, SIGN_IN_PATH } from '../identity/plugin';

const config = demoDevConfig({ NODE_ENV: 'development' });
let server: Server;
let base: string;

beforeAll(async () => {
  const handle = identityMiddleware(config);
  server = createServer((req, res) => {
    void handle(req, res, () => {
      res.statusCode = 404;
      res.end('next');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

const post = (body: string, contentType = 'application/json') =>
  fetch(`${base}${SIGN_IN_PATH}`, { method: 'POST', headers: { 'content-type': contentType }, body });

const key = new TextEncoder().encode(DEMO_JWT_DEFAULTS.secret);
const verifyOptions = {
  issuer: DEMO_JWT_DEFAULTS.issuer,
  audience: DEMO_JWT_DEFAULTS.audience,
  algorithms: ['HS256'],
};

describe('POST /demo-identity/sign-in', () => {
  it('signs a tenant user with exactly their tenant and no admin claim', async () => {
    const answer = await post(JSON.stringify({ email: 'alice@northwind.test' }));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = (await answer.json()) as { token: string; expires_at: number; user: unknown };
    expect(body.user).toEqual({
      email: 'alice@northwind.test',
      name: 'Alice (Northwind)',
      tenants: ['northwind'],
      admin: false,
    });
    const { payload, protectedHeader } = await jwtVerify(body.token, key, verifyOptions);
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe('alice@northwind.test');
    expect(payload.tenants).toEqual(['northwind']);
    expect(payload.tenantdash_admin).toBe(false);
    expect(payload.exp).toBe(body.expires_at);
    expect(payload.exp! - payload.iat!).toBe(DEMO_JWT_DEFAULTS.ttlSeconds);
  });

  it('marks the admin with the admin claim', async () => {
    const body = (await (await post(JSON.stringify({ email: 'ada@acme-analytics.test' }))).json()) as {
      token: string;
    };
    const { payload } = await jwtVerify(body.token, key, verifyOptions);
    expect(payload.tenantdash_admin).toBe(true);
    expect(payload.tenants).toEqual([]);
  });

  it('invents a user for a typed tenant id', async () => {
    const body = (await (await post(JSON.stringify({ tenant_id: 'fabrikam' }))).json()) as { token: string };
    const { payload } = await jwtVerify(body.token, key, verifyOptions);
    expect(payload.sub).toBe('user@fabrikam.test');
    expect(payload.tenants).toEqual(['fabrikam']);
  });

  it.each([
    ['an unknown email', JSON.stringify({ email: 'mallory@evil.test' }), 400, 'UNKNOWN_USER'],
    ['a tenant id outside the pattern', JSON.stringify({ tenant_id: '../northwind' }), 400, 'UNKNOWN_USER'],
    ['a non-object', '"alice"', 400, 'UNKNOWN_USER'],
    ['broken JSON', '{"email":', 400, 'INVALID_JSON'],
    ['an oversized body', JSON.stringify({ email: 'x'.repeat(2000) }), 400, 'INVALID_JSON'],
  ])('refuses %s', async (_name, body, status, code) => {
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(await answer.json()).toMatchObject({ statusCode: status, code });
  });

  it('refuses other methods and content types', async () => {
    expect((await fetch(`${base}${SIGN_IN_PATH}`)).status).toBe(405);
    const wrongType = await post('email=alice', 'application/x-www-form-urlencoded');
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('leaves other paths to the next middleware', async () => {
    const answer = await fetch(`${base}/somewhere-else`, { method: 'POST' });
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('next');
  });
});

describe('development only', () => {
  it('refuses to start with NODE_ENV=production', () => {
    const production = demoDevConfig({ NODE_ENV: 'production' });
    expect(() => assertDevelopment(production)).toThrow(/refusing to start with NODE_ENV=production/);
    const plugin = demoIdentity(production);
    expect(plugin.apply).toBe('serve');
    const configureServer = plugin.configureServer as (server: unknown) => void;
    expect(() => configureServer({ middlewares: { use: () => undefined } })).toThrow(
      /development only: refusing to start with NODE_ENV=production/,
    );
  });

  it('mounts the endpoint in development', () => {
    const mounted: unknown[] = [];
    const configureServer = demoIdentity(config).configureServer as (server: unknown) => void;
    configureServer({ middlewares: { use: (fn: unknown) => mounted.push(fn) } });
    expect(mounted).toHaveLength(1);
  });

  it('rejects a short JWT secret and an out-of-range lifetime', () => {
    expect(() => demoDevConfig({ DEMO_JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => demoDevConfig({ DEMO_JWT_TTL_SECONDS: '5' })).toThrow(/between 60 and 86400/);
  });
});
