/**
 * The app's plugins: each declares what it needs, so one registered without its dependencies fails at boot
 * with the missing plugin named; the standalone app registers them all; the token route puts its fields on
 * the access line in the standalone server and on a line of its own in a host app.
 */
import Fastify, { type FastifyPluginAsync } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { tenantdash } from '../src/index.js';
import caches from '../src/plugins/caches.js';
import db from '../src/plugins/db.js';
import metrics from '../src/plugins/metrics.js';
import metricsRoute from '../src/plugins/metrics-route.js';
import papermap from '../src/plugins/papermap.js';
import rateLimit from '../src/plugins/rate-limit.js';
import usage from '../src/plugins/usage.js';
import {
  bearer,
  buildTestServer,
  jwt,
  provisionTenant,
  startSandbox,
  testDatabase,
  testEnv,
  type Sandbox,
} from './helper.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe('a plugin registered without what it needs', () => {
  const cases: [string, FastifyPluginAsync<never>, object, string][] = [
    ['tenantdash-caches', caches as never, { now: Date.now }, 'tenantdash-redis'],
    [
      'tenantdash-rate-limit',
      rateLimit as never,
      { globalMax: 1, windowMs: 1000, failOpen: false },
      'tenantdash-redis',
    ],
    ['tenantdash-db', db as never, { databaseUrl: 'sqlite::memory:' }, 'tenantdash-caches'],
    ['tenantdash-papermap', papermap as never, { config: {} }, 'tenantdash-metrics'],
    ['tenantdash-usage', usage as never, { ttlMs: 1 }, 'tenantdash-workspaces'],
    ['tenantdash-metrics-route', metricsRoute as never, {}, 'tenantdash-metrics'],
  ];
  it.each(cases)('%s fails at boot, naming the missing plugin', async (name, plugin, options, missing) => {
    const app = Fastify();
    app.register(plugin, options as never);
    await expect(app.ready()).rejects.toThrow(
      `The dependency '${missing}' of plugin '${name}' is not registered`,
    );
    await app.close().catch(() => {});
  });

  it('metrics declared before its users boots (with metrics off, telemetry records nothing)', async () => {
    const app = Fastify();
    app.register(metrics, { enabled: false });
    await app.ready();
    expect(app.hasDecorator('tenantdashMetrics')).toBe(false);
    expect(() => app.telemetry.countRedisFailure('cache')).not.toThrow();
    await app.close();
  });
});

describe('the standalone app', () => {
  it('registers every plugin by name, docs and metrics only when on', async () => {
    const names = [
      'tenantdash',
      'tenantdash-errors',
      'tenantdash-json-body',
      'tenantdash-security-headers',
      'tenantdash-shutdown',
      'tenantdash-redis',
      'tenantdash-metrics',
      'tenantdash-caches',
      'tenantdash-rate-limit',
      'tenantdash-db',
      'tenantdash-auth',
      'tenantdash-papermap',
      'tenantdash-workspaces',
      'tenantdash-usage',
      'tenantdash-routes-health',
    ];
    const on = await buildTestServer(sandbox.url, { DOCS_ENABLED: 'true', METRICS_ENABLED: 'true' });
    const off = await buildTestServer(sandbox.url, { DOCS_ENABLED: 'false', METRICS_ENABLED: 'false' });
    try {
      for (const name of [...names, 'tenantdash-api-docs', 'tenantdash-metrics-route']) {
        expect([name, on.app.hasPlugin(name)]).toEqual([name, true]);
      }
      for (const name of names) expect([name, off.app.hasPlugin(name)]).toEqual([name, true]);
      expect(off.app.hasPlugin('tenantdash-api-docs')).toBe(false);
      expect(off.app.hasPlugin('tenantdash-metrics-route')).toBe(false);
    } finally {
      await on.close();
      await off.close();
    }
  });

  it("puts the token's fields on the request's access line, with no line of its own", async () => {
    const server = await buildTestServer(sandbox.url);
    try {
      await provisionTenant(server.app, 'acme');
      const answer = await server.app.inject({
        method: 'POST',
        url: '/api/v1/dashboards/iframe-token',
        headers: bearer(await jwt({ sub: 'alice', tenants: ['acme'] })),
        payload: { tenant_id: 'acme' },
      });
      expect(answer.statusCode).toBe(200);
      const lines = server.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((line) => line.msg === 'embed token issued')).toEqual([]);
      const access = lines.filter((line) => line.msg === 'request completed' && line.tenant_id === 'acme');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({ subject: 'user:alice', dashboard_id: answer.json().dashboard_id });
    } finally {
      await server.close();
    }
  });
});

it("in a host app (its own request logging), logs the token's fields on a line of their own", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantdash-plugins-'));
  const database = await testDatabase(dir, 'db.sqlite');
  const lines: Record<string, unknown>[] = [];
  const host = Fastify({
    logger: { level: 'info', stream: { write: (line) => void lines.push(JSON.parse(line)) } },
  });
  try {
    const config = loadConfig(
      testEnv(sandbox.url, {
        DATABASE_URL: database.url,
        AUTH_JWT_SECRET: undefined,
        ADMIN_API_KEYS: undefined,
      }),
      { hostAuthorization: true },
    );
    await host.register(tenantdash, { config, identify: () => 'ann', authorize: () => true });
    await host.ready();
    const created = await host.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      payload: { tenant_id: 'shop-1', name: 'Shop' },
    });
    expect(created.statusCode).toBe(201);
    const minted = await host.inject({
      method: 'POST',
      url: '/api/v1/dashboards/iframe-token',
      payload: { tenant_id: 'shop-1' },
    });
    expect(minted.statusCode).toBe(200);
    const own = lines.filter((line) => line.msg === 'embed token issued');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ tenant_id: 'shop-1', dashboard_id: created.json().dashboard_id });
  } finally {
    await host.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
