import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSandbox, SandboxConfigError } from '../src/index.js';
import { ADMIN_TOKEN, createDashboard, embedUrl, NOW_MS, referenceToken, signedHeaders } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-sandbox-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const open = (databasePath: string, extra = {}) =>
  buildSandbox({ databasePath, adminToken: ADMIN_TOKEN, now: () => NOW_MS, ...extra });

describe('SQLite persistence', () => {
  it('keeps dashboards, usage and configured keys across a restart', async () => {
    const databasePath = join(dir, 'nested', 'sandbox.sqlite');
    const first = await open(databasePath, {
      workspaces: [{ id: 'ws_more', apiKeys: [{ id: 'ak_more', secret: 'sk_more_secret' }] }],
    });
    const dashboardId = await createDashboard(first, 'Persisted', { tenantId: 'acme' });
    await first.close();

    // Restart without the extra workspace in config: it and its key are still in the database.
    const second = await open(databasePath);
    try {
      const list = await second.inject({
        method: 'GET',
        url: '/__sandbox/dashboards?workspace_id=ws_demo',
        headers: { 'x-sandbox-admin-token': ADMIN_TOKEN },
      });
      expect(list.json()).toMatchObject({
        count: 1,
        dashboards: [{ dashboard_id: dashboardId, title: 'Persisted' }],
      });
      const usage = await second.inject({
        method: 'GET',
        url: '/api/v1/external/workspaces/ws_demo/tenant-usage',
        headers: signedHeaders(),
      });
      expect(usage.json().data.usage).toEqual([
        { tenant_id: 'acme', period: '2026-03', credits_used: 10, request_count: 1 },
      ]);
      const other = await second.inject({
        method: 'GET',
        url: '/api/v1/external/workspaces/ws_more/tenant-usage',
        headers: signedHeaders({ apiKeyId: 'ak_more', secret: 'sk_more_secret', workspaceId: 'ws_more' }),
      });
      expect(other.statusCode).toBe(200);
      const page = await second.inject({
        method: 'GET',
        url: embedUrl(referenceToken({ tenantId: 'acme', dashboardId }), 'ws_demo', dashboardId),
      });
      expect(page.statusCode).toBe(200);
    } finally {
      await second.close();
    }

    // Migrations ran once; the seed was not duplicated.
    const raw = new Sequelize({ dialect: 'sqlite', storage: databasePath, logging: false });
    try {
      const [migrations] = await raw.query('SELECT name FROM sandbox_migrations');
      expect(migrations).toEqual([{ name: '0001-initial-schema' }]);
      const [keys] = await raw.query('SELECT id FROM api_keys ORDER BY id');
      expect(keys).toEqual([{ id: 'ak_demo' }, { id: 'ak_more' }]);
    } finally {
      await raw.close();
    }
  });

  it('keeps in-memory sandboxes apart', async () => {
    const a = await open(':memory:');
    const b = await open(':memory:');
    try {
      await createDashboard(a);
      const count = async (app: typeof a) =>
        (
          await app.inject({
            method: 'GET',
            url: '/__sandbox/dashboards?workspace_id=ws_demo',
            headers: { 'x-sandbox-admin-token': ADMIN_TOKEN },
          })
        ).json().count;
      expect([await count(a), await count(b)]).toEqual([1, 0]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('validates its options once, before touching the disk', async () => {
    await expect(open(join(dir, 'x.sqlite'), { adminToken: 'short' })).rejects.toBeInstanceOf(
      SandboxConfigError,
    );
    await expect(
      open(join(dir, 'x.sqlite'), { workspaces: [{ id: 'ws bad\n', apiKeys: [] }] }),
    ).rejects.toMatchObject({ code: 'SANDBOX_CONFIG_INVALID' });
    await expect(
      open(join(dir, 'x.sqlite'), {
        workspaces: [{ id: 'ws_x', apiKeys: [], allowedOrigins: ['https://a.example/path'] }],
      }),
    ).rejects.toBeInstanceOf(SandboxConfigError);
  });
});
