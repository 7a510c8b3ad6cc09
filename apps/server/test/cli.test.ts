import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyEmbedToken } from '@tenantdash/core';
import { decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { COMMAND_USAGE, USAGE } from '../src/cli/usage.js';
import { maskSignature, runCli } from '../src/cli/run.js';
import { loadConfig } from '../src/config.js';
import {
  AUDIENCE,
  ISSUER,
  JWT_SECRET,
  SANDBOX_SEED,
  testDatabase,
  testEnv,
  useSandbox,
  type TestDatabase,
} from './helper.js';

const upstream = useSandbox();
let dir: string;
let database: TestDatabase;
let env: Record<string, string | undefined>;
const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-cli-'));
  database = await testDatabase(dir, 'cli.sqlite');
  env = testEnv(upstream.sandbox.url, { DATABASE_URL: database.url });
});
afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], environment: Record<string, string | undefined> = env, now = NOW) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    environment,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    () => now,
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('each command needs only its own settings', () => {
  it('migrates with DATABASE_URL alone, then finds nothing left to apply', async () => {
    const only = { DATABASE_URL: database.url };
    expect(await cli(['migrate'], only)).toEqual({
      code: 0,
      out: JSON.stringify(
        {
          applied: [
            '0001-initial',
            '0002-one-default-dashboard',
            '0003-audit-read-indexes',
            '0004-tenant-workspace',
          ],
        },
        null,
        2,
      ),
      err: '',
    });
    expect(JSON.parse((await cli(['migrate'], only)).out)).toEqual({ applied: [] });
  });

  it('lists tenants and reads the audit table with DATABASE_URL alone', async () => {
    const only = { DATABASE_URL: database.url };
    expect((await cli(['list-tenants'], only)).code).toBe(0);
    expect(JSON.parse((await cli(['audit', '--tenant', 'nobody'], only)).out)).toEqual({
      items: [],
      next_cursor: null,
    });
  });

  it('decodes a token with no settings at all', async () => {
    const result = await cli(['decode-token', 'bm90LWEtdG9rZW4'], {});
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'TOKEN_MALFORMED: the token is not padded URL-safe base64',
    });
  });

  it('names the first missing setting of a command that needs Papermap', async () => {
    expect(await cli(['provision', 't', 'name'], { DATABASE_URL: database.url })).toEqual({
      code: 1,
      out: '',
      err: 'configuration error: PAPERMAP_SECRET_KEY is required',
    });
    expect((await cli(['mint-token', 't'], { ...env, PAPERMAP_WORKSPACE_ID: undefined })).err).toBe(
      'configuration error: PAPERMAP_WORKSPACE_ID is required',
    );
  });
});

describe('help', () => {
  it('prints the usage on stdout and exits 0 for --help, -h and help', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['help', '--help'], ['help', '-h']]) {
      expect(await cli(args, {})).toEqual({ code: 0, out: USAGE, err: '' });
    }
  });

  it("prints a command's usage for `help <command>` and `<command> --help`", async () => {
    expect(await cli(['help', 'audit'], {})).toEqual({ code: 0, out: COMMAND_USAGE.audit, err: '' });
    expect(await cli(['dev-jwt', '--help'], {})).toEqual({ code: 0, out: COMMAND_USAGE['dev-jwt'], err: '' });
  });

  it('exits 2 with the usage for an unknown command or wrong arguments', async () => {
    expect(await cli(['frobnicate'], {})).toEqual({
      code: 2,
      out: '',
      err: `unknown command: frobnicate\n\n${USAGE}`,
    });
    expect(await cli(['help', 'frobnicate'], {})).toEqual({
      code: 2,
      out: '',
      err: `unknown command: frobnicate\n\n${USAGE}`,
    });
    expect(await cli(['decode-token'], {})).toEqual({ code: 2, out: '', err: COMMAND_USAGE['decode-token'] });
    expect(await cli(['audit', '--tenant'], {})).toEqual({ code: 2, out: '', err: COMMAND_USAGE.audit });
    expect(await cli(['audit', '--bogus', 'x'], {})).toEqual({ code: 2, out: '', err: COMMAND_USAGE.audit });
    expect(await cli([], {})).toEqual({ code: 2, out: USAGE, err: '' });
  });
});

describe('operator commands', () => {
  it('provisions, lists, mints (audited as "cli") and decodes', async () => {
    const before = await upstream.sandbox.countDashboards();
    const provisioned = await cli(['provision', 'cli-tenant', 'CLI dashboard']);
    expect(provisioned.code).toBe(0);
    const dashboard = JSON.parse(provisioned.out);
    expect(dashboard).toMatchObject({ tenant_id: 'cli-tenant', name: 'CLI dashboard', is_default: true });
    expect(await upstream.sandbox.countDashboards()).toBe(before + 1);

    const listed = JSON.parse((await cli(['list-tenants'])).out);
    expect(listed.tenants).toEqual([
      expect.objectContaining({ tenant_id: 'cli-tenant', dashboards: 1, disabled: false }),
    ]);

    const minted = await cli(['mint-token', 'cli-tenant']);
    expect(minted.code).toBe(0);
    const issued = JSON.parse(minted.out);
    expect(issued.expires_at).toBe(NOW / 1000 + 3600);
    const claims = await verifyEmbedToken(issued.token, {
      resolveKey: (id) =>
        id === SANDBOX_SEED.apiKeyId
          ? { secretKey: SANDBOX_SEED.secretKey, workspaceId: SANDBOX_SEED.workspaceId }
          : undefined,
      now: () => NOW,
    });
    expect(claims.dashboard_id).toBe(dashboard.dashboard_id);

    const audited = JSON.parse((await cli(['audit', '--subject', 'cli'])).out);
    expect(audited.items).toHaveLength(1);
    expect(audited.items[0]).toMatchObject({
      tenant_id: 'cli-tenant',
      dashboard_id: dashboard.dashboard_id,
      subject: 'cli',
      issued_at: new Date(NOW).toISOString(),
      expires_at: new Date(NOW + 3_600_000).toISOString(),
    });
    expect(JSON.stringify(audited)).not.toContain(issued.token);

    // The summary as GET /api/v1/audit/summary answers it, with DATABASE_URL alone; by default the day before now.
    const later = NOW + 60_000;
    const summary = await cli(['audit', 'summary'], { DATABASE_URL: database.url }, later);
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.out)).toEqual({
      from: new Date(later - 86_400_000).toISOString(),
      to: new Date(later).toISOString(),
      tokens: 1,
      tenants: 1,
      subjects: 1,
      by_tenant: [{ tenant_id: 'cli-tenant', tokens: 1, subjects: 1 }],
      by_subject: [{ subject: 'cli', tokens: 1, tenants: 1 }],
      widest_subjects: [{ subject: 'cli', tenants: 1, tokens: 1 }],
    });

    const decoded = await cli(['decode-token', issued.token]);
    const shown = JSON.parse(decoded.out);
    expect(shown).toMatchObject({
      tenant_id: 'cli-tenant',
      dashboard_id: dashboard.dashboard_id,
      valid_until: claims.valid_until,
    });
    expect(shown.signature).toBe(maskSignature(claims.signature));
    expect(decoded.out).not.toContain(claims.signature);
  });

  it('reports errors in one line with a code and exit 1', async () => {
    expect(await cli(['mint-token', 'nobody'])).toEqual({
      code: 1,
      out: '',
      err: 'TENANT_NOT_FOUND: Tenant not found',
    });
    expect((await cli(['provision', 'bad tenant', 'x'])).err).toBe(
      'VALIDATION_FAILED: tenant id does not match ID_PATTERN',
    );
    expect((await cli(['audit', '--from', '2026-02-30'])).err).toBe(
      'VALIDATION_FAILED: from must be an RFC 3339 timestamp (2026-11-29T10:00:00Z) or a date (2026-11-29)',
    );
    expect((await cli(['audit', 'summary', '--from', '2026-11-29', '--to', '2026-11-28'])).err).toBe(
      'INVALID_TIME_RANGE: from must be before to',
    );
    expect((await cli(['audit', '--cursor', 'WzEsMl0x'])).err).toBe(
      'INVALID_CURSOR: The cursor is not one this server issued',
    );
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
});

describe('dev-jwt', () => {
  it('prints a bare JWT the configured server accepts, for the tenants and rights asked for', async () => {
    const result = await cli([
      'dev-jwt',
      'alice',
      '--tenant',
      'cli-tenant',
      '--tenant',
      'other',
      '--ttl',
      '600',
    ]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const jwt = result.out;
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeJwt(jwt)).toEqual({
      sub: 'alice',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW / 1000,
      exp: NOW / 1000 + 600,
      tenants: ['cli-tenant', 'other'],
    });
    const admin = decodeJwt((await cli(['dev-jwt', 'ada', '--admin'])).out);
    expect(admin).toMatchObject({ sub: 'ada', tenants: [], td_admin: true, exp: NOW / 1000 + 3600 });

    // Signed with AUTH_JWT_SECRET: the server built from the same settings takes it (at the current time).
    const fresh = (await cli(['dev-jwt', 'alice', '--tenant', 'cli-tenant'], env, Date.now())).out;
    await jwtVerify(fresh, new TextEncoder().encode(JWT_SECRET), { issuer: ISSUER, audience: AUDIENCE });
    const app = await buildApp(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    try {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/v1/dashboards/iframe-token',
        headers: { authorization: `Bearer ${fresh}` },
        payload: { tenant_id: 'cli-tenant' },
      });
      expect(answer.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses with NODE_ENV=production, whatever the arguments', async () => {
    for (const args of [['dev-jwt', 'alice'], ['dev-jwt']]) {
      expect(await cli(args, { ...env, NODE_ENV: 'production' })).toEqual({
        code: 1,
        out: '',
        err: 'DEV_JWT_REFUSED: dev-jwt signs in anyone and refuses to run with NODE_ENV=production',
      });
    }
  });

  it('needs the HS256 secret, and says why when the server checks JWTs against a JWKS', async () => {
    expect(await cli(['dev-jwt', 'alice'], { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE })).toEqual({
      code: 1,
      out: '',
      err: 'configuration error: AUTH_JWT_SECRET is required by dev-jwt (with AUTH_ISSUER and AUTH_AUDIENCE)',
    });
    const jwks = { ...env, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'https://idp.test/jwks' };
    expect((await cli(['dev-jwt', 'alice'], jwks)).err).toBe(
      'configuration error: AUTH_JWT_SECRET is not set: with AUTH_JWKS_URL your identity provider issues the JWTs, dev-jwt cannot',
    );
  });

  it('refuses bad arguments with its usage', async () => {
    for (const args of [
      ['dev-jwt'],
      ['dev-jwt', 'a', 'b'],
      ['dev-jwt', 'a', '--ttl', '0'],
      ['dev-jwt', 'a', '--ttl', '86401'],
      ['dev-jwt', 'a', '--ttl', '1h'],
      ['dev-jwt', 'a', '--tenant', ''],
      ['dev-jwt', 'a', '--role', 'x'],
    ]) {
      expect(await cli(args)).toEqual({ code: 2, out: '', err: COMMAND_USAGE['dev-jwt'] });
    }
  });
});
