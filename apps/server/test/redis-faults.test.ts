/**
 * Redis going away under a running server, with a redis-server of the test's own that is stopped, hung and
 * started again. The documented answers: fail closed (default) refuses with 503 RATE_LIMIT_UNAVAILABLE and
 * Retry-After; fail open (RATE_LIMIT_FAIL_OPEN) serves uncounted and says so in the log; either way the
 * server recovers by itself when Redis returns, and every token answered is in the audit table.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/services/tokens.js';
import {
  adminKey,
  buildTestServer,
  provisionTenant,
  requestEmbedToken,
  useSandbox,
  type TestServer,
} from './helper.js';
import { eventually, privateRedis, redisPrefix, type PrivateRedis } from './infra.js';

const upstream = useSandbox();
let redis: PrivateRedis;
let server: TestServer | undefined;

beforeAll(async () => {
  redis = await privateRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  await redis.start();
});
afterEach(async () => {
  redis.resume();
  await server?.close();
  server = undefined;
});

async function start(overrides: Record<string, string> = {}) {
  server = await buildTestServer(upstream.sandbox.url, {
    REDIS_URL: redis.url,
    // Counters of earlier tests stay in this Redis unless it was restarted.
    REDIS_KEY_PREFIX: redisPrefix(),
    REDIS_COMMAND_TIMEOUT_MS: '200',
    RATE_LIMIT_TOKEN_MAX: '5',
    ...overrides,
  });
  await provisionTenant(server.app, 'acme');
  return server;
}

const tokenRequest = (app: TestServer['app'], user = 'user-1') => requestEmbedToken(app, 'acme', user);

/** Every token answered with 200 has its audit row, and there is no audit row without a 200. */
async function expectAudited(test: TestServer, tokens: string[]) {
  const rows = await test.app.store.models.TokenAudit.findAll();
  expect(rows.map((row) => row.token_sha256).sort()).toEqual(tokens.map(sha256Hex).sort());
}

const warnings = (test: TestServer, message: string) =>
  test.logs
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((l) => l.msg === message);

describe('fail closed (default)', () => {
  it('answers 503 RATE_LIMIT_UNAVAILABLE with Retry-After while Redis is down, and recovers when it returns', async () => {
    const test = await start();
    const tokens: string[] = [];
    const first = await tokenRequest(test.app);
    expect(first.statusCode).toBe(200);
    tokens.push(first.json().token);

    await redis.stop();
    for (let i = 0; i < 10; i++) {
      const refused = await tokenRequest(test.app);
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.json()).toEqual({
        statusCode: 503,
        code: 'RATE_LIMIT_UNAVAILABLE',
        error: 'Service Unavailable',
        message: 'Rate limiting is temporarily unavailable, retry shortly',
      });
    }
    // The other routes count against the global limit in Redis too.
    const list = await test.app.inject({ url: '/api/v1/tenants', headers: adminKey });
    expect(list.statusCode).toBe(503);
    const ready = await test.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: 'NOT_READY', message: 'Redis is not reachable' });
    // Eleven refusals, one throttled warning line (the first), not one per request.
    expect(warnings(test, 'rate limit store unreachable: requests refused with 503')).toHaveLength(1);
    expect(test.logs.join('\n')).not.toMatch(/ECONNREFUSED 127|at .*\.js:\d+/);

    const metrics = (await test.app.inject({ url: '/metrics' })).body;
    // Ten token requests and one list request, each refused once.
    expect(metrics).toMatch(/^tenantdash_redis_failures_total\{use="rate_limit"\} 11$/m);
    expect(metrics).toMatch(/^tenantdash_embed_tokens_total\{outcome="unavailable"\} 10$/m);

    await redis.start();
    const back = await eventually(async () => {
      const response = await tokenRequest(test.app);
      return response.statusCode === 200 ? response : undefined;
    });
    tokens.push(back.json().token);
    expect((await test.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    await expectAudited(test, tokens);
  });

  it('answers 503 within the command timeout when Redis hangs, and recovers when it resumes', async () => {
    const test = await start();
    expect((await tokenRequest(test.app)).statusCode).toBe(200);
    redis.pause();
    const refused = await tokenRequest(test.app);
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
    redis.resume();
    await eventually(async () => ((await tokenRequest(test.app)).statusCode === 200 ? true : undefined));
  });

  it('refuses to start when Redis cannot be reached, naming the setting', async () => {
    await redis.stop();
    await expect(start()).rejects.toThrow('REDIS_URL: Redis cannot be reached (ECONNREFUSED)');
  });
});

describe('fail open (RATE_LIMIT_FAIL_OPEN=true)', () => {
  it('serves uncounted while Redis is down, says so in the log, and counts again when it returns', async () => {
    const test = await start({ RATE_LIMIT_FAIL_OPEN: 'true' });
    const tokens: string[] = [];
    await redis.stop();
    // More than the limit of 5: nothing counts them.
    for (let i = 0; i < 8; i++) {
      const response = await tokenRequest(test.app);
      expect(response.statusCode).toBe(200);
      tokens.push(response.json().token);
    }
    expect(
      warnings(test, 'rate limit store unreachable: requests pass uncounted (RATE_LIMIT_FAIL_OPEN)'),
    ).toHaveLength(1);
    // Ready: an instance that fails open can serve without Redis.
    expect((await test.app.inject({ url: '/readyz' })).statusCode).toBe(200);

    await redis.start();
    // Counting resumes: a fresh user gets exactly 5.
    await eventually(async () => {
      const response = await tokenRequest(test.app, 'probe-user');
      if (response.statusCode === 200) tokens.push(response.json().token);
      return response.headers['x-ratelimit-remaining'] === '4' ? true : undefined;
    });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await tokenRequest(test.app, 'counted-user');
      statuses.push(response.statusCode);
      if (response.statusCode === 200) tokens.push(response.json().token);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await expectAudited(test, tokens);
  });

  it('starts without Redis and picks it up when it comes', async () => {
    await redis.stop();
    const test = await start({ RATE_LIMIT_FAIL_OPEN: 'true' });
    expect((await tokenRequest(test.app)).statusCode).toBe(200);
    await redis.start();
    await eventually(async () => {
      const response = await tokenRequest(test.app, 'late-user');
      return response.headers['x-ratelimit-remaining'] === '4' ? true : undefined;
    });
  });
});
