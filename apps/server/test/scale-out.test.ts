/**
 * Two token-server instances on different ports sharing one database and one Redis (a key prefix of this
 * file's own on the machine's Redis), over real sockets: limits, idempotency, the kill switch and caches
 * hold across instances. Runs on SQLite (one file, both instances) and on PostgreSQL (one schema).
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { sha256Hex } from '../src/services/tokens.js';
import { ADMIN_KEY, jwt, useSandbox, type TestServer } from './helper.js';
import { countRedisKeys, listen, listRedisKeys, startInstancePair, type InstancePair } from './infra.js';

const TOKEN_MAX = 4;

const upstream = useSandbox();
let pair: InstancePair | undefined;
let prefix: string;
let instances: { server: TestServer; url: string }[];

beforeAll(async () => {
  pair = await startInstancePair(upstream.sandbox.url, {
    RATE_LIMIT_TOKEN_MAX: String(TOKEN_MAX),
    // Long enough that only a shared invalidation can explain a write showing up on the other instance.
    MINT_CACHE_TTL_MS: '60000',
    UPSTREAM_TIMEOUT_MS: '1000',
  });
  prefix = pair.prefix;
  instances = [];
  for (const server of pair.servers) instances.push({ server, url: await listen(server.app) });
  await provision(0, { tenant_id: 'acme', name: 'Acme' }).then((r) => expect(r.status).toBe(201));
});

afterAll(async () => {
  await pair?.close();
});

beforeEach(async () => {
  await upstream.sandbox.clearFault();
});

function provision(instance: number, body: object, idempotencyKey?: string) {
  return fetch(`${instances[instance]!.url}/api/v1/dashboards`, {
    method: 'POST',
    headers: {
      'x-admin-key': ADMIN_KEY,
      'content-type': 'application/json',
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function token(instance: number, bearerToken: string, tenantId = 'acme') {
  return fetch(`${instances[instance]!.url}/api/v1/dashboards/iframe-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: tenantId }),
  });
}

describe('two instances, one database, one Redis', () => {
  it("count a user's token requests together: the limit holds across both", async () => {
    const user = await jwt({ sub: 'limit-user', tenants: ['acme'] });
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < TOKEN_MAX + 2; i++) {
      const response = await token(i % 2, user);
      statuses.push(response.status);
      remaining.push(response.headers.get('x-ratelimit-remaining'));
      if (response.status === 429) {
        expect(await response.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      } else await response.arrayBuffer();
    }
    // One process alone would have allowed TOKEN_MAX on each, 2 × TOKEN_MAX in all.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(remaining.slice(0, TOKEN_MAX)).toEqual(['3', '2', '1', '0']);
    // One counter for both, named after the endpoint's limiter, per user and tenant.
    expect((await listRedisKeys(prefix)).filter((key) => key.includes('limit-user'))).toEqual([
      `${prefix}rate:iframe-token-user:user:limit-user\u0000tenant:acme`,
    ]);
    // Another user has a budget of their own.
    const other = await token(1, await jwt({ sub: 'other-user', tenants: ['acme'] }));
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it('create one upstream dashboard for one Idempotency-Key sent to both at once', async () => {
    // The upstream call takes a while, so the second request arrives while the first holds the key.
    await upstream.sandbox.setFault({ mode: 'slow', delay_ms: 300, remaining: 2 });
    const before = await upstream.sandbox.countDashboards();
    const body = { tenant_id: 'globex', name: 'Globex' };
    const answers = await Promise.all([provision(0, body, 'same-key-1'), provision(1, body, 'same-key-1')]);
    const results = await Promise.all(
      answers.map(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
    });
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
    // A retry to either instance now gets the stored answer.
    const created = results.find((r) => r.status === 201)!.body;
    for (const instance of [0, 1]) {
      const retry = await provision(instance, body, 'same-key-1');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(await retry.json()).toEqual(created);
    }
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);
  });

  it('apply the kill switch on every instance at once, although lookups are cached for a minute', async () => {
    await provision(0, { tenant_id: 'initech', name: 'Initech' }).then((r) => expect(r.status).toBe(201));
    const user = await jwt({ sub: 'kill-switch-user', tenants: ['initech'] });
    // Both instances have now looked the tenant up (and cached it).
    expect((await token(0, user, 'initech')).status).toBe(200);
    expect((await token(1, user, 'initech')).status).toBe(200);
    const disabled = await fetch(`${instances[1]!.url}/api/v1/tenants/initech/disable`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(disabled.status).toBe(200);
    const refused = await token(0, user, 'initech');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'TENANT_DISABLED' });
    await fetch(`${instances[0]!.url}/api/v1/tenants/initech/enable`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect((await token(1, user, 'initech')).status).toBe(200);
  });

  it('see a dashboard provisioned through the other instance (a cached "no such tenant" is dropped)', async () => {
    const user = await jwt({ sub: 'new-tenant-user', tenants: ['hooli'] });
    const missing = await token(0, user, 'hooli');
    expect(missing.status).toBe(404);
    await provision(1, { tenant_id: 'hooli', name: 'Hooli' }).then((r) => expect(r.status).toBe(201));
    const found = await token(0, user, 'hooli');
    expect(found.status).toBe(200);
  });

  it('see a tenant provisioned by the operator CLI at once (it drops the shared cache entry too)', async () => {
    const user = await jwt({ sub: 'cli-user', tenants: ['cli-tenant'] });
    expect((await token(0, user, 'cli-tenant')).status).toBe(404);
    const err: string[] = [];
    const code = await runCli(['provision', 'cli-tenant', 'From the CLI'], instances[0]!.server.env, {
      out: () => undefined,
      err: (line) => err.push(line),
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect((await token(0, user, 'cli-tenant')).status).toBe(200);
  });

  it('keep issuing tokens while Papermap fails, and audit every one of them', async () => {
    await upstream.sandbox.setFault({ mode: 'error', status: 503 });
    const failed = await provision(0, { tenant_id: 'umbrella', name: 'Umbrella' });
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ code: 'UPSTREAM_ERROR' });
    const user = await jwt({ sub: 'audit-user', tenants: ['acme'] });
    const issued: string[] = [];
    for (const instance of [0, 1, 0]) {
      const response = await token(instance, user);
      expect(response.status).toBe(200);
      issued.push(((await response.json()) as { token: string }).token);
    }
    const rows = await instances[0]!.server.app.store.models.TokenAudit.findAll({
      where: { subject: 'user:audit-user' },
    });
    expect(rows.map((row) => row.token_sha256).sort()).toEqual(issued.map(sha256Hex).sort());
  });

  it('send Redis one command per token request (the rate-limit script): tenant lookups are cached in each process', async () => {
    const user = await jwt({ sub: 'one-round-trip-user', tenants: ['acme'] });
    // The first request of the tenant on this instance looks it up and caches it.
    expect((await token(0, user)).status).toBe(200);
    const redis = instances[0]!.server.app.redis!;
    const sent = vi.spyOn(redis, 'sendCommand');
    try {
      expect((await token(0, user)).status).toBe(200);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['evalsha']);
    } finally {
      sent.mockRestore();
    }
  });

  it('keep their shared state under the configured prefix only', async () => {
    expect(await countRedisKeys(prefix)).toBeGreaterThan(0);
    expect((await listRedisKeys(prefix)).filter((key) => key.includes('undefined'))).toEqual([]);
  });
});
