/**
 * Many workspaces seeded from SANDBOX_WORKSPACES_FILE, each with its own key: each key signs for its own
 * workspace only, and the embed page refuses a token edited to reach a dashboard of another workspace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SandboxConfigError } from '../src/index.js';
import { configFromEnv } from '../src/env.js';
import { buildTestSandbox, createDashboard, embedUrl, referenceToken } from './helpers.js';

const COUNT = 200;
const workspace = (n: number) => ({
  id: `ws_${n}`,
  apiKeys: [{ id: `ak_${n}`, secret: `sk_${n}_0123456789abcdef0123456789abcdef` }],
  dashboards: [{ id: `dash_${n}`, title: `Dashboard ${n}` }],
});
const keyOf = (n: number) => ({ apiKeyId: `ak_${n}`, secret: `sk_${n}_0123456789abcdef0123456789abcdef` });

const dir = mkdtempSync(join(tmpdir(), 'sandbox-workspaces-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
let app: FastifyInstance;
let databasePath: string;
let env: Record<string, string>;

beforeAll(async () => {
  databasePath = join(dir, 'sandbox.sqlite');
  env = {
    SANDBOX_WORKSPACES_FILE: file(
      'workspaces.json',
      JSON.stringify(Array.from({ length: COUNT }, (_, i) => workspace(i + 1))),
    ),
  };
  ({ app } = await buildTestSandbox({ ...configFromEnv(env).config, databasePath, logger: false }));
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const view = (url: string) => app.inject({ method: 'GET', url });

describe('workspaces from SANDBOX_WORKSPACES_FILE', () => {
  it('seeds every workspace with its key and dashboards', async () => {
    for (const n of [1, COUNT / 2, COUNT]) {
      const token = referenceToken({
        ...keyOf(n),
        workspaceId: `ws_${n}`,
        tenantId: 'acme',
        dashboardId: `dash_${n}`,
      });
      const page = await view(embedUrl(token, `ws_${n}`, `dash_${n}`));
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`Dashboard ${n}`);
      // The signed API takes each workspace's own key.
      expect(await createDashboard(app, `New in ${n}`, { ...keyOf(n), workspaceId: `ws_${n}` })).toMatch(
        /\S/,
      );
    }
  });

  it("refuses a token edited to another workspace's dashboard, and a key signing for a workspace not its own", async () => {
    const token = referenceToken({ ...keyOf(1), workspaceId: 'ws_1', tenantId: 'a', dashboardId: 'dash_1' });
    const json = Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace('"dash_1"', '"dash_2"')
      .replace('"tenant_id": "a"', '"tenant_id": "b"');
    const edited = Buffer.from(json)
      .toString('base64url')
      .padEnd(Math.ceil(Buffer.byteLength(json) / 3) * 4, '=');
    const retargeted = await view(`/embedded/dashboard?embedded-token=${encodeURIComponent(edited)}`);
    expect(retargeted.statusCode).toBe(404);
    expect(retargeted.body).toContain('DASHBOARD_NOT_FOUND');
    // ws_1's key signing a token that claims ws_2 (re-signed, so the MAC is right for ws_2).
    const foreign = referenceToken({
      ...keyOf(1),
      workspaceId: 'ws_2',
      tenantId: 'b',
      dashboardId: 'dash_2',
    });
    const refused = await view(`/embedded/dashboard?embedded-token=${encodeURIComponent(foreign)}`);
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('TOKEN_INVALID');
  });

  it('seeds again on a restart over the same file without duplicating anything', async () => {
    await app.close();
    ({ app } = await buildTestSandbox({ ...configFromEnv(env).config, databasePath, logger: false }));
    const listed = await app.inject({
      method: 'GET',
      url: `/__sandbox/dashboards?workspace_id=ws_${COUNT / 2}`,
      headers: { 'x-sandbox-admin-token': 'test-admin-token-0001' },
    });
    // The seeded one and the one created through the API above.
    expect(listed.json()).toMatchObject({ workspace_id: `ws_${COUNT / 2}`, count: 2 });
  });

  it.each([
    [
      'a file that is not there',
      () => join(dir, 'missing.json'),
      'SANDBOX_WORKSPACES_FILE cannot be read (ENOENT)',
    ],
    ['a file that is not JSON', () => file('broken.json', '[{'), 'SANDBOX_WORKSPACES_FILE is not valid JSON'],
    [
      'an object',
      () => file('object.json', '{}'),
      'SANDBOX_WORKSPACES_FILE must hold a JSON array of workspaces',
    ],
  ])('refuses %s', (_name, path, message) => {
    expect(() => configFromEnv({ SANDBOX_WORKSPACES_FILE: path() })).toThrow(new SandboxConfigError(message));
  });

  it('refuses entries resolveConfig refuses: a secret with whitespace, a key given to two workspaces', async () => {
    const spaced = file(
      'spaced.json',
      JSON.stringify([{ id: 'ws_x', apiKeys: [{ id: 'ak_x', secret: 'sk x ' }] }]),
    );
    await expect(buildTestSandbox(configFromEnv({ SANDBOX_WORKSPACES_FILE: spaced }).config)).rejects.toThrow(
      'workspaces[0].apiKeys[0].secret must be a non-empty string without surrounding whitespace',
    );
    const twice = file(
      'twice.json',
      JSON.stringify([workspace(1), { ...workspace(2), apiKeys: workspace(1).apiKeys }]),
    );
    await expect(buildTestSandbox(configFromEnv({ SANDBOX_WORKSPACES_FILE: twice }).config)).rejects.toThrow(
      'api key ak_1 is configured twice',
    );
  });

  it('refuses SANDBOX_ALLOWED_ORIGINS beside a file that configures the seed workspace too', () => {
    const seed = file('seed.json', JSON.stringify([{ id: 'ws_demo', apiKeys: [] }]));
    expect(() =>
      configFromEnv({ SANDBOX_WORKSPACES_FILE: seed, SANDBOX_ALLOWED_ORIGINS: 'https://app.example.com' }),
    ).toThrow('SANDBOX_ALLOWED_ORIGINS and SANDBOX_WORKSPACES_FILE both configure ws_demo');
  });
});
