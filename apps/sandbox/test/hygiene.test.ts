import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildSandbox, SANDBOX_SEED } from '../src/index.js';
import { configFromEnv, DEFAULT_PORT } from '../src/env.js';
import { createDashboard, embedUrl, NOW_MS, referenceToken, signedHeaders } from './helpers.js';

describe('logs', () => {
  it('never contain tokens, signatures, secrets or query strings', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildSandbox({
      databasePath: ':memory:',
      now: () => NOW_MS,
      logger: { level: 'trace', stream },
    });
    try {
      const headers = signedHeaders({ tenantId: 'acme' });
      const dashboardId = await createDashboard(app);
      const token = referenceToken({ tenantId: 'acme', dashboardId });
      await app.inject({ method: 'GET', url: embedUrl(token, 'ws_demo', dashboardId, true) });
      await app.inject({ method: 'GET', url: embedUrl(`${token}x`, 'ws_demo', dashboardId) });
      await app.inject({
        method: 'POST',
        url: '/api/v1/external/dashboards',
        headers: { ...headers, 'X-Signature': 'f'.repeat(64) },
        payload: {},
      });
      const log = lines.join('');
      expect(log).toContain('/embedded/dashboard');
      expect(log).toContain('embed refused');
      for (const secret of [
        token,
        token.slice(0, 40),
        headers['X-Signature'],
        SANDBOX_SEED.secretKey,
        'embedded-token',
        'f'.repeat(64),
      ]) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });
});

describe('HEAD on the embed page', () => {
  it('answers like GET without charging a view', async () => {
    const app = await buildSandbox({ databasePath: ':memory:', now: () => NOW_MS });
    try {
      const dashboardId = await createDashboard(app);
      const head = await app.inject({
        method: 'HEAD',
        url: embedUrl(referenceToken({ tenantId: 'acme', dashboardId }), 'ws_demo', dashboardId),
      });
      expect(head.statusCode).toBe(200);
      const usage = await app.inject({
        method: 'GET',
        url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
        headers: signedHeaders(),
      });
      expect(usage.json().data.usage).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('concurrent calls', () => {
  it('count every attributed request exactly once', async () => {
    const app = await buildSandbox({ databasePath: ':memory:', now: () => NOW_MS });
    try {
      await Promise.all(Array.from({ length: 25 }, () => createDashboard(app, 'T', { tenantId: 'acme' })));
      const usage = await app.inject({
        method: 'GET',
        url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
        headers: signedHeaders(),
      });
      expect(usage.json().data.usage).toEqual([
        { tenant_id: 'acme', period: '2026-03', credits_used: 250, request_count: 25 },
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('environment', () => {
  it('defaults to 127.0.0.1:4010', () => {
    const { listen, config } = configFromEnv({});
    expect(listen).toEqual({ port: DEFAULT_PORT, host: '127.0.0.1' });
    expect(DEFAULT_PORT).toBe(4010);
    expect(config).toEqual({ logger: { level: 'info' } });
  });

  it('reads the documented variables', () => {
    const { listen, config } = configFromEnv({
      SANDBOX_PORT: '5999',
      SANDBOX_HOST: '0.0.0.0',
      SANDBOX_DATABASE_PATH: '/tmp/x.sqlite',
      SANDBOX_ADMIN_TOKEN: 'admin-token-1',
      SANDBOX_ALLOWED_ORIGINS: 'http://localhost:5173, https://app.example.com',
      SANDBOX_LOG_LEVEL: 'warn',
    });
    expect(listen).toEqual({ port: 5999, host: '0.0.0.0' });
    expect(config).toEqual({
      logger: { level: 'warn' },
      databasePath: '/tmp/x.sqlite',
      adminToken: 'admin-token-1',
      workspaces: [
        { id: 'ws_demo', apiKeys: [], allowedOrigins: ['http://localhost:5173', 'https://app.example.com'] },
      ],
    });
  });

  it('refuses a bad port or log level', () => {
    expect(() => configFromEnv({ SANDBOX_PORT: '70000' })).toThrow(/SANDBOX_PORT/);
    expect(() => configFromEnv({ SANDBOX_PORT: 'abc' })).toThrow(/SANDBOX_PORT/);
    expect(() => configFromEnv({ SANDBOX_LOG_LEVEL: 'loud' })).toThrow(/SANDBOX_LOG_LEVEL/);
  });
});
