/**
 * Rotating the Papermap key during a rolling deploy: for a while one instance signs with the old key and
 * another with the new one, both active in the workspace. Papermap (the sandbox) must accept the signed
 * requests and the embed tokens of both, each token naming its own key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEmbedToken } from '@tenantdash/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adminKey,
  bearer,
  buildTestServer,
  jwt,
  provisionTenant,
  SANDBOX_SEED,
  testDatabase,
  useSandbox,
  type TestDatabase,
  type TestServer,
} from './helper.js';

const NEXT_KEY = { id: 'ak_demo_next', secret: 'sk_demo_next_fedcba9876543210fedcba9876543210' };

const upstream = useSandbox({ workspaces: [{ id: SANDBOX_SEED.workspaceId, apiKeys: [NEXT_KEY] }] });
let dir: string;
let database: TestDatabase;
let oldKeyInstance: TestServer;
let newKeyInstance: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-rotation-'));
  database = await testDatabase(dir);
  oldKeyInstance = await buildTestServer(upstream.sandbox.url, {}, { database });
  newKeyInstance = await buildTestServer(
    upstream.sandbox.url,
    { PAPERMAP_API_KEY_ID: NEXT_KEY.id, PAPERMAP_SECRET_KEY: NEXT_KEY.secret },
    { database },
  );
});
afterAll(async () => {
  await oldKeyInstance?.close();
  await newKeyInstance?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a fleet half on the old key and half on the new one keeps provisioning and embedding', async () => {
  await provisionTenant(oldKeyInstance.app, 'rot-a');
  await provisionTenant(newKeyInstance.app, 'rot-b');

  const user = await jwt({ sub: 'rotation-user', tenants: ['rot-a', 'rot-b'] });
  for (const [instance, keyId] of [
    [oldKeyInstance, SANDBOX_SEED.apiKeyId],
    [newKeyInstance, NEXT_KEY.id],
  ] as const) {
    for (const tenant of ['rot-a', 'rot-b']) {
      const issued = await instance.app.inject({
        method: 'POST',
        url: '/api/v1/dashboards/iframe-token',
        headers: bearer(user),
        payload: { tenant_id: tenant },
      });
      expect(issued.statusCode).toBe(200);
      const { token, embed_url: embedUrl } = issued.json<{ token: string; embed_url: string }>();
      expect(decodeEmbedToken(token).api_key_id).toBe(keyId);
      const page = await fetch(embedUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-embed-status="ok"');
    }
  }
});

it('a key Papermap does not know is refused upstream, so a typo in the rollout shows at once', async () => {
  const typo = await buildTestServer(upstream.sandbox.url, {
    PAPERMAP_API_KEY_ID: 'ak_demo_nxet',
    PAPERMAP_SECRET_KEY: NEXT_KEY.secret,
  });
  try {
    const created = await typo.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: adminKey,
      payload: { tenant_id: 'rot-c', name: 'Rotation' },
    });
    expect(created.statusCode).toBe(502);
    expect(created.json()).toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(await typo.counts()).toMatchObject({ dashboards: 0 });
  } finally {
    await typo.close();
  }
});
