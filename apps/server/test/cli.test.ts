import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyEmbedToken } from '@tenantdash/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { maskSignature, runCli } from '../src/cli.js';
import {
  SANDBOX_SEED,
  startSandbox,
  testDatabase,
  testEnv,
  type Sandbox,
  type TestDatabase,
} from './helper.js';

let sandbox: Sandbox;
let dir: string;
let database: TestDatabase;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-cli-'));
  database = await testDatabase(dir, 'cli.sqlite');
  env = testEnv(sandbox.url, { DATABASE_URL: database.url });
});
afterAll(async () => {
  await sandbox?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, env, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('migrates, then finds nothing left to apply', async () => {
  expect(JSON.parse((await cli('migrate')).out)).toEqual({
    applied: ['0001-initial', '0002-one-default-dashboard'],
  });
  expect(JSON.parse((await cli('migrate')).out)).toEqual({ applied: [] });
});

it('provisions, lists, mints and decodes', async () => {
  const before = await sandbox.countDashboards();
  const provisioned = await cli('provision', 'cli-tenant', 'CLI dashboard');
  expect(provisioned.code).toBe(0);
  const dashboard = JSON.parse(provisioned.out);
  expect(dashboard).toMatchObject({ tenant_id: 'cli-tenant', name: 'CLI dashboard', is_default: true });
  expect(await sandbox.countDashboards()).toBe(before + 1);

  const listed = JSON.parse((await cli('list-tenants')).out);
  expect(listed.tenants).toEqual([
    expect.objectContaining({ tenant_id: 'cli-tenant', dashboards: 1, disabled: false }),
  ]);

  const minted = await cli('mint-token', 'cli-tenant');
  expect(minted.code).toBe(0);
  const issued = JSON.parse(minted.out);
  const claims = await verifyEmbedToken(issued.token, {
    resolveKey: (id) =>
      id === SANDBOX_SEED.apiKeyId
        ? { secretKey: SANDBOX_SEED.secretKey, workspaceId: SANDBOX_SEED.workspaceId }
        : undefined,
  });
  expect(claims.dashboard_id).toBe(dashboard.dashboard_id);

  const decoded = await cli('decode-token', issued.token);
  const shown = JSON.parse(decoded.out);
  expect(shown).toMatchObject({
    tenant_id: 'cli-tenant',
    dashboard_id: dashboard.dashboard_id,
    valid_until: claims.valid_until,
  });
  expect(shown.signature).toBe(maskSignature(claims.signature));
  expect(decoded.out).not.toContain(claims.signature);
});

it('reports errors in one line with a code and a non-zero exit', async () => {
  expect(await cli('mint-token', 'nobody')).toEqual({
    code: 1,
    out: '',
    err: 'TENANT_NOT_FOUND: Tenant not found',
  });
  expect(await cli('decode-token', 'bm90LWEtdG9rZW4')).toEqual({
    code: 1,
    out: '',
    err: 'TOKEN_MALFORMED: the token is not padded URL-safe base64',
  });
  expect((await cli('provision', 'bad tenant', 'x')).err).toBe(
    'VALIDATION_FAILED: tenant id does not match ID_PATTERN',
  );
  expect((await cli('frobnicate')).code).toBe(2);
  const saved = env;
  env = { ...env, PAPERMAP_SECRET_KEY: undefined };
  expect(await cli('list-tenants')).toEqual({
    code: 1,
    out: '',
    err: 'configuration error: PAPERMAP_SECRET_KEY is required',
  });
  env = saved;
});

it('the database itself refuses a second default dashboard for a tenant', async () => {
  const { connect } = await import('../src/db/connect.js');
  const sequelize = await connect(env.DATABASE_URL!);
  const insert = (id: string) =>
    sequelize.query(
      "INSERT INTO tenant_dashboards (dashboard_id, tenant_id, workspace_id, name, is_default, created_at, updated_at) VALUES (:id, 'cli-tenant', 'ws_demo', 'x', TRUE, '2026-01-01', '2026-01-01')",
      { replacements: { id } },
    );
  const { UniqueConstraintError } = await import('sequelize');
  await expect(insert('second-default')).rejects.toBeInstanceOf(UniqueConstraintError);
  await sequelize.close();
});
