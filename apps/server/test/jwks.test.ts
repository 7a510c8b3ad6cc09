/** JWKS mode: user JWTs signed with the identity provider's private key, public keys fetched over HTTP. */
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adminKey,
  AUDIENCE,
  bearer,
  buildTestServer,
  ISSUER,
  jwt,
  startSandbox,
  type Sandbox,
  type TestServer,
} from './helper.js';

let sandbox: Sandbox;
let idp: FastifyInstance;
let server: TestServer;
let privateKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  sandbox = await startSandbox();
  ({ privateKey: otherKey } = await generateKeyPair('ES256'));
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  idp = Fastify();
  idp.get('/.well-known/jwks.json', async () => ({ keys: [jwk] }));
  await idp.listen({ port: 0, host: '127.0.0.1' });
  const port = (idp.server.address() as { port: number }).port;
  server = await buildTestServer(sandbox.url, {
    AUTH_JWT_SECRET: undefined,
    AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
  });
  await server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: adminKey,
    payload: { tenant_id: 'j1', name: 'J1' },
  });
});
afterAll(async () => {
  await server?.close();
  await idp?.close();
  await sandbox?.close();
});

const sign = (key: CryptoKey, kid = 'k1') =>
  new SignJWT({ tenants: ['j1'] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject('erin')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(key);

const mint = (headers: Record<string, string>) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards/iframe-token',
    headers,
    payload: { tenant_id: 'j1' },
  });

it('accepts a JWT signed by a key from the JWKS', async () => {
  const response = await mint(bearer(await sign(privateKey)));
  expect(response.statusCode).toBe(200);
});

it('refuses a JWT signed by an unknown key, and an HS256 JWT', async () => {
  expect((await mint(bearer(await sign(otherKey)))).json().code).toBe('UNAUTHENTICATED');
  expect((await mint(bearer(await sign(otherKey, 'unknown-kid')))).json().code).toBe('UNAUTHENTICATED');
  expect((await mint(bearer(await jwt({ tenants: ['j1'] })))).json().code).toBe('UNAUTHENTICATED');
});
