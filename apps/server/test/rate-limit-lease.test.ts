/**
 * Rate-limit leases: a key busy on one instance takes its permits from Redis in blocks, and the limit still
 * holds across instances (each count position used once, never more than the limit in all). Two instances
 * sharing one database and one Redis (a key prefix of this file's own); Redis stopped under a held lease with
 * a redis-server of the test's own. Runs on SQLite and on PostgreSQL.
 */

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { leaseCap, leaseSize, LEASE_MAX_PERMITS } from '../src/services/rate-limit-store.js';
import {
  adminKey,
  buildTestServer,
  provisionTenant,
  requestEmbedToken,
  startSandbox,
  type Sandbox,
  type TestServer,
} from './helper.js';
import { eventually, privateRedis, redisPrefix, startInstancePair, type InstancePair } from './infra.js';

// A tenth of it may sit unused on one instance: leases of up to 10 permits.
const TOKEN_MAX = 100;
const CAP = 10;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

const evalshaCount = (calls: readonly (readonly unknown[])[]) =>
  calls.filter(([command]) => (command as { name?: string } | undefined)?.name === 'evalsha').length;

describe('lease sizes', () => {
  it('lease nothing below a limit of 20, a tenth of it above, at most LEASE_MAX_PERMITS', () => {
    expect([1, 4, 19, 20, 30, 100, 640, 1_000_000].map(leaseCap)).toEqual([1, 1, 1, 2, 3, 10, 64, 64]);
    expect(LEASE_MAX_PERMITS).toBe(64);
  });

  it('ask for one permit in a new window, then twice the last lease, up to the cap', () => {
    const sizes: number[] = [];
    let last: number | undefined;
    for (let i = 0; i < 6; i++) sizes.push((last = leaseSize(last, TOKEN_MAX)));
    expect(sizes).toEqual([1, 2, 4, 8, CAP, CAP]);
  });
});

describe('two instances, one database, one Redis, a limit of 100', () => {
  let pair: InstancePair | undefined;
  let instances: TestServer[];

  beforeAll(async () => {
    pair = await startInstancePair(sandbox.url, {
      RATE_LIMIT_TOKEN_MAX: String(TOKEN_MAX),
      MINT_CACHE_TTL_MS: '60000',
    });
    instances = pair.servers;
    await provisionTenant(instances[0]!.app, 'acme');
    // Two servers with their migrations: on a 2-core machine shared with other suites, more than the default.
  }, 30_000);
  afterAll(async () => {
    await pair?.close();
  });

  it('serve each count position once across both: 100 tokens in all, whichever instance holds the permits', async () => {
    const served: number[] = [];
    let firstRefusalAfter: number | undefined;
    let refusals = 0;
    for (let i = 0; i < TOKEN_MAX + 30; i++) {
      const response = await requestEmbedToken(instances[i % 2]!.app, 'acme', 'lease-user');
      if (response.statusCode === 200) {
        served.push(Number(response.headers['x-ratelimit-remaining']));
      } else {
        expect(response.statusCode).toBe(429);
        expect(response.json()).toMatchObject({ code: 'RATE_LIMITED' });
        firstRefusalAfter ??= served.length;
        refusals++;
      }
    }
    // Never more than the limit, and every permit leased was used: positions 1…100, each once.
    expect(served).toHaveLength(TOKEN_MAX);
    expect([...served].sort((a, b) => a - b)).toEqual(Array.from({ length: TOKEN_MAX }, (_, i) => i));
    // The trade-off: the first refusal came while the other instance still held 9 permits (at most a lease).
    expect(firstRefusalAfter).toBe(91);
    expect(refusals).toBe(30);
    // Redis counted the leases and each refusal, as a single counter would count every request.
    const redis = instances[0]!.app.redis!;
    expect(Number(await redis.get('rate:iframe-token-user:user:lease-user\u0000tenant:acme'))).toBe(
      TOKEN_MAX + refusals,
    );
  });

  it('send Redis one command per lease: 30 requests of one user on one instance, 6 commands (1, 2, 4, 8, 10, 10)', async () => {
    const redis = instances[0]!.app.redis!;
    const sent = vi.spyOn(redis, 'sendCommand');
    const remaining: string[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const response = await requestEmbedToken(instances[0]!.app, 'acme', 'busy-user');
        expect(response.statusCode).toBe(200);
        remaining.push(String(response.headers['x-ratelimit-remaining']));
      }
      expect(evalshaCount(sent.mock.calls)).toBe(6);
    } finally {
      sent.mockRestore();
    }
    expect(remaining).toEqual(Array.from({ length: 30 }, (_, i) => String(TOKEN_MAX - 1 - i)));
  });

  it('apply the kill switch to a request served from a lease, with no Redis command of its own', async () => {
    await provisionTenant(instances[0]!.app, 'initech');
    // Leases of 1 then 2: one permit left on instance 0, and the tenant cached there.
    for (let i = 0; i < 2; i++) {
      expect((await requestEmbedToken(instances[0]!.app, 'initech', 'kill-user')).statusCode).toBe(200);
    }
    const disabled = await instances[1]!.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/initech/disable',
      headers: adminKey,
    });
    expect(disabled.statusCode).toBe(200);
    const redis = instances[0]!.app.redis!;
    const sent = vi.spyOn(redis, 'sendCommand');
    try {
      const refused = await requestEmbedToken(instances[0]!.app, 'initech', 'kill-user');
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'TENANT_DISABLED' });
      expect(evalshaCount(sent.mock.calls)).toBe(0);
    } finally {
      sent.mockRestore();
    }
  });
});

describe('a lease held when Redis goes away (fail closed)', () => {
  it('is not used: 503 RATE_LIMIT_UNAVAILABLE at once, and counting resumes when Redis returns', async () => {
    const redis = await privateRedis();
    await redis.start();
    const server = await buildTestServer(sandbox.url, {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redisPrefix(),
      REDIS_COMMAND_TIMEOUT_MS: '200',
      RATE_LIMIT_TOKEN_MAX: String(TOKEN_MAX),
    });
    try {
      await provisionTenant(server.app, 'acme');
      // Leases of 1 then 2: one permit left.
      for (let i = 0; i < 2; i++) expect((await requestEmbedToken(server.app, 'acme')).statusCode).toBe(200);
      await redis.stop();
      await eventually(async () => (server.app.redis!.status !== 'ready' ? true : undefined));
      const refused = await requestEmbedToken(server.app, 'acme');
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
      await redis.start();
      await eventually(async () =>
        (await requestEmbedToken(server.app, 'acme')).statusCode === 200 ? true : undefined,
      );
    } finally {
      await server.close();
      await redis.stop();
    }
  });
});
