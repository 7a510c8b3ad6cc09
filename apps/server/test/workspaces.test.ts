/**
 * Several Papermap workspaces in one server (issue 16), against the real sandbox over HTTP: each tenant maps to
 * one workspace, and provisioning, minting, usage and key rotation follow the mapping; the migration from one
 * workspace; hard-isolation mode (TENANT_ISOLATION=workspace); and the isolation proof: an embed token whose
 * tenant and dashboard were edited without re-signing renders in shared mode (the scheme's known weakness,
 * docs/papermap-protocol.md 7.1) and is refused by the sandbox's embed page in hard-isolation mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEmbedToken } from '@tenantdash/core';
import { QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/run.js';
import { COMMAND_USAGE } from '../src/cli/usage.js';
import { connect } from '../src/db/connect.js';
import { migrator } from '../src/db/migrations.js';
import {
  adminKey,
  buildTestServer,
  requestEmbedToken,
  SANDBOX_ADMIN_TOKEN,
  SANDBOX_SEED,
  startSandbox,
  testDatabase,
  type Sandbox,
  type TestDatabase,
  type TestServer,
} from './helper.js';

const EU = { id: 'ws_eu', key: { id: 'ak_eu', secret: 'sk_eu_0123456789abcdef0123456789abcdef' } };
const EU_NEXT_KEY = { id: 'ak_eu_next', secret: 'sk_eu_next_fedcba9876543210fedcba98765432' };
const US = { id: 'ws_us', key: { id: 'ak_us', secret: 'sk_us_0123456789abcdef0123456789abcdef' } };
const RACE = { id: 'ws_race', key: { id: 'ak_race', secret: 'sk_race_0123456789abcdef0123456789ab' } };

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({
    workspaces: [
      { id: EU.id, apiKeys: [EU.key, EU_NEXT_KEY] },
      { id: US.id, apiKeys: [US.key] },
      { id: RACE.id, apiKeys: [RACE.key] },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-workspaces-'));
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A PAPERMAP_WORKSPACES_FILE with ws_eu (secret from TEST_SECRET_EU) and ws_us, plus its environment. */
function workspacesEnv(
  eu: { id: string; secret: string } = EU.key,
  extra: Record<string, unknown> = {},
): Record<string, string> {
  const path = join(dir, `workspaces-${++files}.json`);
  const file = {
    workspaces: [
      { id: EU.id, api_key_id: eu.id, secret_key_env: 'TEST_SECRET_EU' },
      { id: US.id, api_key_id: US.key.id, secret_key: US.key.secret },
      { id: RACE.id, api_key_id: RACE.key.id, secret_key: RACE.key.secret },
    ],
    ...extra,
  };
  writeFileSync(path, JSON.stringify(file));
  return { PAPERMAP_WORKSPACES_FILE: path, TEST_SECRET_EU: eu.secret, USAGE_CACHE_TTL_MS: '0' };
}

async function provision(server: TestServer, tenantId: string, workspaceId?: string) {
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: adminKey,
    payload: {
      tenant_id: tenantId,
      name: `${tenantId} overview`,
      ...(workspaceId ? { workspace_id: workspaceId } : {}),
    },
  });
}

async function upstreamDashboards(workspaceId: string): Promise<number> {
  const response = await fetch(`${sandbox.url}/__sandbox/dashboards?workspace_id=${workspaceId}`, {
    headers: { 'x-sandbox-admin-token': SANDBOX_ADMIN_TOKEN },
  });
  return ((await response.json()) as { count: number }).count;
}

async function mint(server: TestServer, tenantId: string) {
  const response = await requestEmbedToken(server.app, tenantId);
  expect(response.statusCode).toBe(200);
  return response.json<{ token: string; dashboard_id: string; embed_url: string }>();
}

/** The token with some claims replaced and the signature left as it was (what a holder of a leaked token can do). */
function edited(token: string, changes: Record<string, string>): string {
  const claims = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  // Papermap's reference encoder's layout (Python json.dumps): ", " and ": " separators, keys in order.
  const json = `{${Object.entries({ ...claims, ...changes })
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(', ')}}`;
  return Buffer.from(json)
    .toString('base64url')
    .padEnd(Math.ceil(Buffer.byteLength(json) / 3) * 4, '=');
}

async function embed(token: string) {
  const response = await fetch(
    `${sandbox.url}/embedded/dashboard?embedded-token=${encodeURIComponent(token)}`,
  );
  return { status: response.status, html: await response.text() };
}

async function usage(server: TestServer, url: string) {
  const response = await server.app.inject({ method: 'GET', url, headers: adminKey });
  expect(response.statusCode).toBe(200);
  return response.json<{ workspace_id: string; usage: { tenant_id: string; credits_used: number }[] }>();
}

describe('several workspaces in one server (shared mode)', () => {
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    database = await testDatabase(dir, 'several.sqlite');
    server = await buildTestServer(sandbox.url, workspacesEnv(), { database });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('provisions a new tenant into the default workspace, or the one named, and keeps it there', async () => {
    const demo = await provision(server, 'acme');
    expect(demo.statusCode).toBe(201);
    expect(demo.json()).toMatchObject({ tenant_id: 'acme', workspace_id: SANDBOX_SEED.workspaceId });
    const eu = await provision(server, 'eu-co', EU.id);
    expect(eu.statusCode).toBe(201);
    expect(eu.json()).toMatchObject({ tenant_id: 'eu-co', workspace_id: EU.id, is_default: true });
    // Its next dashboard follows the mapping without naming the workspace.
    const second = await provision(server, 'eu-co');
    expect(second.json()).toMatchObject({ workspace_id: EU.id, is_default: false });
    expect(await upstreamDashboards(EU.id)).toBe(2);
    expect(await upstreamDashboards(US.id)).toBe(0);
    expect(await upstreamDashboards(SANDBOX_SEED.workspaceId)).toBe(1);
    const stored = await server.app.store.sequelize.query<{ id: string; workspace_id: string }>(
      'SELECT id, workspace_id FROM tenants ORDER BY id',
      { type: QueryTypes.SELECT },
    );
    expect(stored).toEqual([
      { id: 'acme', workspace_id: SANDBOX_SEED.workspaceId },
      { id: 'eu-co', workspace_id: EU.id },
    ]);
    const listed = await server.app.inject({ url: '/api/v1/tenants', headers: adminKey });
    expect(
      listed.json<{ tenants: object[] }>().tenants.map((t) => ({ ...t, created_at: undefined })),
    ).toEqual([
      { tenant_id: 'acme', disabled: false, workspace_id: SANDBOX_SEED.workspaceId, dashboards: 1 },
      { tenant_id: 'eu-co', disabled: false, workspace_id: EU.id, dashboards: 2 },
    ]);
  });

  it('refuses to move a tenant to another workspace (409) and an unknown workspace (400); nothing is created', async () => {
    const before = await server.counts();
    const moved = await provision(server, 'eu-co', US.id);
    expect(moved.statusCode).toBe(409);
    expect(moved.json()).toMatchObject({ code: 'TENANT_WORKSPACE_CONFLICT' });
    const unknown = await provision(server, 'newco', 'ws_nowhere');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'WORKSPACE_UNKNOWN' });
    expect(await server.counts()).toEqual(before);
    expect(await upstreamDashboards(US.id)).toBe(0);
  });

  it("mints with the key of the tenant's workspace, and the sandbox renders it", async () => {
    for (const [tenant, workspace, key] of [
      ['acme', SANDBOX_SEED.workspaceId, SANDBOX_SEED.apiKeyId],
      ['eu-co', EU.id, EU.key.id],
    ] as const) {
      const issued = await mint(server, tenant);
      const claims = decodeEmbedToken(issued.token);
      expect(claims).toMatchObject({ workspace_id: workspace, api_key_id: key, tenant_id: tenant });
      const page = await fetch(issued.embed_url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-embed-status="ok"');
    }
  });

  it("reads a tenant's usage from its own workspace's report, and an admin's per workspace", async () => {
    const eu = await server.app.inject({
      method: 'GET',
      url: '/api/v1/tenants/eu-co/usage',
      headers: adminKey,
    });
    expect(eu.statusCode).toBe(200);
    const euBody = eu.json<{ workspace_id: string; tenant_id: string; usage: { tenant_id: string }[] }>();
    expect(euBody.workspace_id).toBe(EU.id);
    expect(euBody.usage.map((row) => row.tenant_id)).toEqual(['eu-co']);
    const whole = await usage(server, `/api/v1/usage?workspace_id=${EU.id}`);
    expect(whole.workspace_id).toBe(EU.id);
    expect(whole.usage.map((row) => row.tenant_id)).toEqual(['eu-co']);
    const fallback = await usage(server, '/api/v1/usage');
    expect(fallback.workspace_id).toBe(SANDBOX_SEED.workspaceId);
    expect(fallback.usage.map((row) => row.tenant_id)).toEqual(['acme']);
    const unknown = await server.app.inject({
      method: 'GET',
      url: '/api/v1/usage?workspace_id=ws_nowhere',
      headers: adminKey,
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'WORKSPACE_UNKNOWN' });
  });

  it("rotates one workspace's key while the others keep theirs: a fleet on both keys provisions and embeds", async () => {
    const rotated = await buildTestServer(sandbox.url, workspacesEnv(EU_NEXT_KEY), { database });
    try {
      expect((await provision(rotated, 'eu-co')).json()).toMatchObject({ workspace_id: EU.id });
      for (const [instance, key] of [
        [server, EU.key.id],
        [rotated, EU_NEXT_KEY.id],
      ] as const) {
        const eu = await mint(instance, 'eu-co');
        expect(decodeEmbedToken(eu.token)).toMatchObject({ workspace_id: EU.id, api_key_id: key });
        expect((await embed(eu.token)).status).toBe(200);
        const demo = await mint(instance, 'acme');
        expect(decodeEmbedToken(demo.token).api_key_id).toBe(SANDBOX_SEED.apiKeyId);
      }
      expect(await upstreamDashboards(EU.id)).toBe(3);
    } finally {
      await rotated.close();
    }
  });

  it('refuses to start when a tenant maps to a workspace the configuration lacks, naming it', async () => {
    await expect(buildTestServer(sandbox.url, {}, { database })).rejects.toThrow(
      'PAPERMAP_WORKSPACES_FILE lacks workspace ws_eu, which 1 tenant(s) in the database map to',
    );
  });

  it('the known weakness, stated: in shared mode a token edited to another tenant of the workspace renders and bills it', async () => {
    await provision(server, 'beta');
    const beta = (await server.app.store.dashboards('beta'))[0]!;
    const before = await usage(server, '/api/v1/tenants/beta/usage');
    const acme = await mint(server, 'acme');
    const forged = edited(acme.token, { tenant_id: 'beta', dashboard_id: beta.dashboard_id });
    const page = await embed(forged);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-embed-status="ok"');
    expect(page.html).toContain('Tenant: beta');
    const after = await usage(server, '/api/v1/tenants/beta/usage');
    const credits = (body: typeof before) => body.usage.reduce((sum, row) => sum + row.credits_used, 0);
    // The sandbox's embed view costs 2 credits (its DEFAULT_CREDITS.embedView); Papermap bills beta for acme's view.
    expect(credits(after) - credits(before)).toBe(2);
  });
});

describe('hard isolation (TENANT_ISOLATION=workspace)', () => {
  let database: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    database = await testDatabase(dir, 'isolated.sqlite');
    server = await buildTestServer(
      sandbox.url,
      { ...workspacesEnv(), TENANT_ISOLATION: 'workspace' },
      { database },
    );
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('gives each tenant a workspace of its own and refuses a second tenant in one (409 WORKSPACE_TAKEN)', async () => {
    // The sandbox is shared with the tests above.
    const upstreamBefore = await upstreamDashboards(EU.id);
    expect((await provision(server, 'tenant-a', EU.id)).statusCode).toBe(201);
    expect((await provision(server, 'tenant-b', US.id)).statusCode).toBe(201);
    // A tenant's own further dashboards are fine.
    expect((await provision(server, 'tenant-a')).json()).toMatchObject({ workspace_id: EU.id });
    const before = await server.counts();
    const taken = await provision(server, 'tenant-c', EU.id);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'WORKSPACE_TAKEN' });
    // The default workspace too, once one tenant holds it.
    expect((await provision(server, 'tenant-d')).statusCode).toBe(201);
    expect((await provision(server, 'tenant-e')).json()).toMatchObject({ code: 'WORKSPACE_TAKEN' });
    expect(await server.counts()).toEqual({
      ...before,
      tenants: before.tenants + 1,
      dashboards: before.dashboards + 1,
    });
    expect(await upstreamDashboards(EU.id)).toBe(upstreamBefore + 2);
  });

  it('lets exactly one of two tenants provisioned at once into an empty workspace have it', async () => {
    const answers = await Promise.all([
      provision(server, 'race-1', RACE.id),
      provision(server, 'race-2', RACE.id),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)!.json()).toMatchObject({
      code: 'WORKSPACE_TAKEN',
    });
    const holders = await server.app.store.sequelize.query<{ id: string }>(
      'SELECT id FROM tenants WHERE workspace_id = :workspace',
      { type: QueryTypes.SELECT, replacements: { workspace: RACE.id } },
    );
    expect(holders).toHaveLength(1);
    expect(await server.app.store.dashboards(holders[0]!.id)).toHaveLength(1);
  });

  it("the proof: tenant A's token edited to B's tenant and dashboard is refused by the sandbox's embed page", async () => {
    const b = (await server.app.store.dashboards('tenant-b'))[0]!;
    const a = await mint(server, 'tenant-a');
    expect((await embed(a.token)).status).toBe(200);
    // B's dashboard lives in ws_us; the token's signed workspace is still A's ws_eu, where it does not exist.
    const retargeted = await embed(edited(a.token, { tenant_id: 'tenant-b', dashboard_id: b.dashboard_id }));
    expect(retargeted.status).toBe(404);
    expect(retargeted.html).toContain('DASHBOARD_NOT_FOUND');
    expect(retargeted.html).not.toContain('Tenant: tenant-b');
    // Pointing the workspace at B's too breaks the MAC, which ws_eu's key made over ws_eu.
    const rewritten = await embed(
      edited(a.token, { workspace_id: US.id, tenant_id: 'tenant-b', dashboard_id: b.dashboard_id }),
    );
    expect(rewritten.status).toBe(401);
    expect(rewritten.html).toContain('TOKEN_INVALID');
    // What an edited tenant_id alone can still reach is A's own workspace, which holds only A's dashboards.
    const renamed = await embed(edited(a.token, { tenant_id: 'tenant-b' }));
    expect(renamed.html).not.toContain(b.dashboard_id);
  });

  it('refuses to start in hard-isolation mode on data where a workspace holds two tenants', async () => {
    const shared = await testDatabase(dir, 'two-in-one.sqlite');
    const first = await buildTestServer(sandbox.url, {}, { database: shared });
    try {
      await provision(first, 'one');
      await provision(first, 'two');
    } finally {
      await first.close();
    }
    try {
      await expect(
        buildTestServer(sandbox.url, { TENANT_ISOLATION: 'workspace' }, { database: shared }),
      ).rejects.toThrow(
        'TENANT_ISOLATION is workspace, but workspace ws_demo already holds 2 tenants in the database',
      );
    } finally {
      await shared.drop();
    }
  });
});

describe('the migration from one workspace', () => {
  it('maps existing tenants to the workspace their dashboards carry, and the others to the default', async () => {
    const database = await testDatabase(dir, 'legacy.sqlite');
    const sequelize = await connect(database.url);
    try {
      // The schema as it was before workspaces, with rows written by a single-workspace server.
      await migrator(sequelize).up({ to: '0003-audit-read-indexes' });
      const now = new Date('2026-11-01T00:00:00Z');
      await sequelize.getQueryInterface().bulkInsert('tenants', [
        { id: 'legacy-a', disabled: false, created_at: now, updated_at: now },
        { id: 'legacy-b', disabled: false, created_at: now, updated_at: now },
      ]);
      await sequelize.query(
        `INSERT INTO tenant_dashboards (dashboard_id, tenant_id, workspace_id, name, description, is_default, created_at, updated_at)
         VALUES ('legacy-dash', 'legacy-a', :workspace, 'Legacy', NULL, :yes, :now, :now)`,
        { replacements: { workspace: SANDBOX_SEED.workspaceId, yes: true, now } },
      );
    } finally {
      await sequelize.close();
    }
    const server = await buildTestServer(sandbox.url, {}, { database });
    try {
      const stored = await server.app.store.sequelize.query<{ id: string; workspace_id: string }>(
        'SELECT id, workspace_id FROM tenants ORDER BY id',
        { type: QueryTypes.SELECT },
      );
      expect(stored).toEqual([
        { id: 'legacy-a', workspace_id: SANDBOX_SEED.workspaceId },
        { id: 'legacy-b', workspace_id: SANDBOX_SEED.workspaceId },
      ]);
      expect(
        server.logs.some((line) => line.includes('"tenants":1') && line.includes('default workspace')),
      ).toBe(true);
      expect(decodeEmbedToken((await mint(server, 'legacy-a')).token)).toMatchObject({
        workspace_id: SANDBOX_SEED.workspaceId,
        dashboard_id: 'legacy-dash',
      });
      expect((await provision(server, 'legacy-b')).json()).toMatchObject({
        workspace_id: SANDBOX_SEED.workspaceId,
      });
    } finally {
      await server.close();
      await database.drop();
    }
  });
});

describe('the CLI', () => {
  it('provisions into the workspace --workspace names, refuses an unknown one, and shows the flag in its usage', async () => {
    const database = await testDatabase(dir, 'cli.sqlite');
    const server = await buildTestServer(sandbox.url, workspacesEnv(), { database });
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) };
    try {
      expect(await runCli(['provision', 'cli-us', 'US board', '--workspace', US.id], server.env, io)).toBe(0);
      expect(JSON.parse(out.at(-1)!)).toMatchObject({ tenant_id: 'cli-us', workspace_id: US.id });
      expect(await runCli(['provision', 'cli-x', 'X', '--workspace', 'ws_nowhere'], server.env, io)).toBe(1);
      expect(err.at(-1)).toBe('WORKSPACE_UNKNOWN: No such workspace is configured');
      expect(await runCli(['provision', 'cli-us', 'Again', '--workspace', EU.id], server.env, io)).toBe(1);
      expect(err.at(-1)).toBe('TENANT_WORKSPACE_CONFLICT: This tenant belongs to another workspace');
      expect(await runCli(['provision', 'cli-y', 'Y', '--workspaces', EU.id], server.env, io)).toBe(2);
      expect(err.at(-1)).toContain(COMMAND_USAGE.provision);
      expect(COMMAND_USAGE.provision).toContain('[--workspace <id>]');
      expect(await server.app.store.tenantWorkspace('cli-x')).toBeNull();
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
