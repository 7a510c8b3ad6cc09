import { createHash } from 'node:crypto';
import { beforeAll, expect, it, vi } from 'vitest';
import { connect } from '../src/db/connect.js';
import { adminKey, bearer, buildTestServer, jwt, provisionTenant, useTestStack } from './helper.js';

const stack = useTestStack();

beforeAll(async () => {
  await provisionTenant(stack.server.app, 'c1', 'C1');
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

it('concurrent token requests each get their own committed audit row', async () => {
  const before = (await stack.server.counts()).audit;
  const headers = bearer(await jwt({ sub: 'burst', tenants: ['c1'] }));
  const responses = await Promise.all(
    Array.from({ length: 60 }, () =>
      stack.server.app.inject({
        method: 'POST',
        url: '/api/v1/dashboards/iframe-token',
        headers,
        payload: { tenant_id: 'c1' },
      }),
    ),
  );
  expect(responses.every((r) => r.statusCode === 200)).toBe(true);
  const rows = await stack.server.app.store.models.TokenAudit.findAll({ where: { subject: 'user:burst' } });
  expect(rows).toHaveLength(60);
  expect((await stack.server.counts()).audit).toBe(before + 60);
  const hashes = new Set(rows.map((row) => row.token_sha256));
  for (const response of responses) expect(hashes.has(sha(response.json().token))).toBe(true);
});

it('a cached JWT verdict does not outlive the JWT', async () => {
  const token = await jwt({ sub: 'short', tenants: ['c1'], expiresInSeconds: 60 });
  const send = () =>
    stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards/iframe-token',
      headers: bearer(token),
      payload: { tenant_id: 'c1' },
    });
  expect((await send()).statusCode).toBe(200);
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() + 120_000);
    expect((await send()).statusCode).toBe(401);
  } finally {
    vi.useRealTimers();
  }
});

it('the kill switch applies at once even when the lookup is cached', async () => {
  const headers = bearer(await jwt({ sub: 'kill', tenants: ['c1'] }));
  const send = () =>
    stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards/iframe-token',
      headers,
      payload: { tenant_id: 'c1' },
    });
  expect((await send()).statusCode).toBe(200);
  await stack.server.app.inject({ method: 'POST', url: '/api/v1/tenants/c1/disable', headers: adminKey });
  expect((await send()).json().code).toBe('TENANT_DISABLED');
  await stack.server.app.inject({ method: 'POST', url: '/api/v1/tenants/c1/enable', headers: adminKey });
  expect((await send()).statusCode).toBe(200);
});

it('closing under load finishes requests in flight and loses no audit row', async () => {
  const other = await buildTestServer(stack.sandbox.url);
  await provisionTenant(other.app, 'c2', 'C2');
  await other.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(other.app.server.address() as { port: number }).port}/api/v1/dashboards/iframe-token`;
  const headers = {
    ...bearer(await jwt({ sub: 'closing', tenants: ['c2'] })),
    'content-type': 'application/json',
  };
  const requests = Array.from({ length: 40 }, () =>
    fetch(url, { method: 'POST', headers, body: '{"tenant_id":"c2"}' }).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      () => ({ status: 0, body: '' }),
    ),
  );
  // Close once the first answer is out, with the rest still in flight.
  await Promise.race(requests);
  await other.app.close();
  const results = await Promise.all(requests);
  // Each request was either served (and audited) or refused in the shared shape, or never got a socket.
  for (const refused of results.filter((r) => r.status === 503))
    expect(JSON.parse(refused.body).code).toBe('SHUTTING_DOWN');
  expect(results.filter((r) => ![0, 200, 503].includes(r.status))).toEqual([]);
  const issued = results.filter((r) => r.status === 200).map((r) => sha(JSON.parse(r.body).token));
  expect(issued.length).toBeGreaterThan(0);
  const sequelize = await connect(other.config.databaseUrl);
  const [rows] = await sequelize.query("SELECT token_sha256 FROM token_audit WHERE subject = 'user:closing'");
  await sequelize.close();
  const stored = new Set((rows as { token_sha256: string }[]).map((row) => row.token_sha256));
  for (const hash of issued) expect(stored.has(hash)).toBe(true);
  await other.close().catch(() => undefined);
});
