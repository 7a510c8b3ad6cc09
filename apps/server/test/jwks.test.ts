/**
 * JWKS mode: user JWTs signed with the identity provider's private key, public keys fetched over HTTP. An
 * identity provider that is down, failing or slow is a 503 IDENTITY_PROVIDER_UNAVAILABLE with Retry-After
 * (never the 401 of a bad token), fetches are bounded and backed off (the back-off runs on the injected
 * clock), and keys fetched once keep working through an outage.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JWKS_REFRESH_MS } from '../src/services/jwks.js';
import {
  adminKey,
  AUDIENCE,
  bearer,
  buildTestServer,
  ISSUER,
  jwt,
  useSandbox,
  type TestServer,
} from './helper.js';

type Mode = 'ok' | 'error' | 'not-json' | 'not-a-key-set' | 'hang' | 'redirect';

const upstream = useSandbox();
let idp: FastifyInstance;
let jwksUrl: string;
let mode: Mode = 'ok';
let fetches = 0;
/** Requests held by `hang`, answered when the test ends. */
const held: (() => void)[] = [];
let privateKey: CryptoKey;
let otherKey: CryptoKey;
let clock = Date.UTC(2026, 10, 29, 10, 0, 0);
const servers: TestServer[] = [];

beforeAll(async () => {
  ({ privateKey: otherKey } = await generateKeyPair('ES256'));
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  idp = Fastify();
  idp.get('/.well-known/jwks.json', async (_request, reply) => {
    fetches++;
    switch (mode) {
      case 'ok':
        return { keys: [jwk] };
      case 'error':
        return reply.code(500).send({ error: 'down' });
      case 'not-json':
        return reply.type('application/json').send('<html>maintenance</html>');
      case 'not-a-key-set':
        return { keys: 'none' };
      case 'redirect':
        return reply.redirect('https://elsewhere.example/jwks.json');
      case 'hang':
        await new Promise<void>((resolve) => held.push(resolve));
        return { keys: [jwk] };
    }
  });
  await idp.listen({ port: 0, host: '127.0.0.1' });
  jwksUrl = `http://127.0.0.1:${(idp.server.address() as { port: number }).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  for (const release of held.splice(0)) release();
  for (const server of servers) await server.close();
  await idp?.close();
});
beforeEach(() => {
  mode = 'ok';
  fetches = 0;
});

async function server(overrides: Record<string, string> = {}) {
  const built = await buildTestServer(
    upstream.sandbox.url,
    { AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: jwksUrl, AUTH_JWKS_TIMEOUT_MS: '300', ...overrides },
    { now: () => clock },
  );
  servers.push(built);
  const provisioned = await built.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: adminKey,
    payload: { tenant_id: 'j1', name: 'J1' },
  });
  expect(provisioned.statusCode).toBe(201);
  return built;
}

const sign = (key: CryptoKey, kid = 'k1', sub = 'erin') =>
  new SignJWT({ tenants: ['j1'] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(key);

const mint = (built: TestServer, headers: Record<string, string>) =>
  built.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards/iframe-token',
    headers,
    payload: { tenant_id: 'j1' },
  });

const unavailable = (retryAfter: string) => ({
  status: 503,
  retryAfter,
  body: {
    statusCode: 503,
    code: 'IDENTITY_PROVIDER_UNAVAILABLE',
    error: 'Service Unavailable',
    message: 'The identity provider cannot be reached to check this token, retry shortly',
  },
});
const outcome = (response: Awaited<ReturnType<typeof mint>>) => ({
  status: response.statusCode,
  retryAfter: response.headers['retry-after'],
  body: response.json(),
});

describe('with the identity provider up', () => {
  it('accepts a JWT signed by a key from the JWKS, fetching the set once', async () => {
    const built = await server();
    expect((await mint(built, bearer(await sign(privateKey)))).statusCode).toBe(200);
    expect((await mint(built, bearer(await sign(privateKey, 'k1', 'other')))).statusCode).toBe(200);
    expect(fetches).toBe(1);
  });

  it('refuses a JWT signed by an unknown key, and an HS256 JWT, with 401', async () => {
    const built = await server();
    expect((await mint(built, bearer(await sign(otherKey)))).json().code).toBe('UNAUTHENTICATED');
    // An unknown kid makes one more fetch (a key the provider may just have added), not one per request.
    expect((await mint(built, bearer(await sign(otherKey, 'unknown-kid')))).json().code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await mint(built, bearer(await sign(otherKey, 'unknown-kid')))).json().code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await mint(built, bearer(await jwt({ tenants: ['j1'] })))).json().code).toBe('UNAUTHENTICATED');
    expect(fetches).toBe(1);
  });
});

describe('with the identity provider unavailable', () => {
  it.each<[Mode, string]>([
    ['error', 'answering 500'],
    ['not-json', 'answering something that is not JSON'],
    ['not-a-key-set', 'answering JSON that is not a key set'],
    ['redirect', 'redirecting'],
    ['hang', 'not answering within AUTH_JWKS_TIMEOUT_MS'],
  ])('answers 503 with Retry-After, not 401, when it is %s (%s)', async (failure) => {
    const built = await server();
    mode = failure;
    expect(outcome(await mint(built, bearer(await sign(privateKey))))).toEqual(unavailable('1'));
    // The admin routes answer the same for a JWT caller.
    const listed = await built.app.inject({
      url: '/api/v1/tenants',
      headers: bearer(await sign(privateKey)),
    });
    expect([listed.statusCode, listed.json().code]).toEqual([503, 'IDENTITY_PROVIDER_UNAVAILABLE']);
    expect(fetches).toBe(1);
  });

  it('answers 503 when nothing listens at the URL, and backs off between fetches', async () => {
    const closed = Fastify();
    await closed.listen({ port: 0, host: '127.0.0.1' });
    const port = (closed.server.address() as { port: number }).port;
    await closed.close();
    const built = await server({ AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
    const token = await sign(privateKey);
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('1'));
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('1'));
  });

  it('backs off: no fetch until Retry-After has passed, then 1 s, 2 s, 4 s … and recovers when it is back', async () => {
    const built = await server();
    const token = await sign(privateKey);
    mode = 'error';
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('1'));
    expect(fetches).toBe(1);
    // Within the back-off: answered at once, no fetch.
    clock += 500;
    for (let i = 0; i < 5; i++) expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('1'));
    expect(fetches).toBe(1);
    clock += 500;
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('2'));
    expect(fetches).toBe(2);
    clock += 2000;
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('4'));
    expect(fetches).toBe(3);
    mode = 'ok';
    clock += 3999;
    expect(outcome(await mint(built, bearer(token)))).toEqual(unavailable('1'));
    expect(fetches).toBe(3);
    clock += 1;
    expect((await mint(built, bearer(token))).statusCode).toBe(200);
    expect(fetches).toBe(4);
    // A bad token is 401 again now that the keys can be checked.
    expect((await mint(built, bearer(await sign(otherKey)))).json().code).toBe('UNAUTHENTICATED');
  });

  it('keeps the keys it fetched when a refresh fails: known users go on, and the refresh is retried', async () => {
    const built = await server();
    expect((await mint(built, bearer(await sign(privateKey, 'k1', 'a')))).statusCode).toBe(200);
    mode = 'error';
    clock += JWKS_REFRESH_MS;
    // Fresh JWTs (not in the verified cache): checked with the keys held, while a refresh runs behind.
    expect((await mint(built, bearer(await sign(privateKey, 'k1', 'b')))).statusCode).toBe(200);
    await vi.waitFor(() => expect(built.logs.join('')).toContain('identity provider unreachable'));
    // The failed refresh backs off like a first fetch: no new fetch for this request.
    expect((await mint(built, bearer(await sign(privateKey, 'k1', 'c')))).statusCode).toBe(200);
    expect(fetches).toBe(2);
  });

  it('counts the 503 as `unavailable` in the token metrics', async () => {
    const built = await server();
    mode = 'error';
    await mint(built, bearer(await sign(privateKey)));
    const metrics = await built.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('tenantdash_embed_tokens_total{outcome="unavailable"} 1');
  });
});
