import { describe, expect, it } from 'vitest';
import { buildSandbox, SANDBOX_SEED } from '../src/index.js';
import { signedHeaders } from './helpers.js';

describe('programmatic API', () => {
  it('exposes the documented seed', () => {
    expect(SANDBOX_SEED.workspaceId).toBe('ws_demo');
    expect(SANDBOX_SEED.apiKeyId).toBe('ak_demo');
    expect(SANDBOX_SEED.secretKey).toBe('sk_demo_0123456789abcdef0123456789abcdef');
  });

  it('builds an app the caller listens on and closes, over a real socket', async () => {
    const app = await buildSandbox({ databasePath: ':memory:', now: () => Date.UTC(2026, 2, 15, 12) });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const response = await fetch(`http://127.0.0.1:${address.port}/api/v1/external/dashboards`, {
        method: 'POST',
        headers: signedHeaders({ tenantId: 'acme' }),
        body: JSON.stringify({ workspace_id: 'ws_demo', title: 'Sales', description: 'Per region' }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { success: boolean; data: Record<string, unknown> };
      expect(body.success).toBe(true);
      expect(body.data).toMatchObject({
        title: 'Sales',
        description: 'Per region',
        workspace_id: 'ws_demo',
        created_at: '2026-03-15T12:00:00.000Z',
      });
    } finally {
      await app.close();
    }
  });
});
