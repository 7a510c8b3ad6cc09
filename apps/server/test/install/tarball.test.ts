/**
 * @tenantdash/server as a team installs it: core and the server packed (`pnpm pack`, what would be published),
 * installed with npm into an empty folder outside the repository, and run through its `tenantdash-server`
 * bin: migrate with a database setting only, start against the sandbox, provision, a `dev-jwt` user gets a
 * token the sandbox renders, the audit shows it, and SIGTERM stops it gracefully (exit 0).
 *
 * Installed as the consumer matrix installs core and react (`--ignore-scripts`): sqlite3's native build is
 * then copied from the workspace's sqlite3 of the same version (compiling it again costs ≈ 80 s of CPU and
 * proves nothing about our package); `TENANTDASH_INSTALL_COMPILE_SQLITE=1` compiles it instead.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyEmbedToken } from '@tenantdash/core';
import { buildSandbox, SANDBOX_SEED } from '@tenantdash/sandbox';
import { packTarball, publintMessages, readmeLinks, REPO_ROOT } from '@tenantdash/test-utils';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, freePort, run, runOk, startBackground, type Background } from './processes.js';

const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreDir = resolve(serverDir, '../../packages/core');
const ADMIN_KEY = 'install-test-admin-key-0123456789';
const JWT_SECRET = 'install-test-jwt-secret-0123456789-abcdef';

let root: string;
let app: string;
let tarballs: { core: string; server: string };
let sandbox: FastifyInstance;
let sandboxUrl: string;
let server: Background | undefined;

const npx = (args: string[], env: Record<string, string> = {}) =>
  run('npx', ['--no-install', 'tenantdash-server', ...args], {
    cwd: app,
    env: cleanEnv(env),
    timeoutMs: 60_000,
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tenantdash-server-install-'));
  if (!existsSync(join(coreDir, 'dist'))) throw new Error('@tenantdash/core is not built: run `pnpm build`');
  // The server's own dist, fresh: `pnpm pack` packs whatever dist holds.
  await runOk('pnpm', ['run', 'build'], { cwd: serverDir, env: process.env });
  const packed = join(root, 'tarballs');
  tarballs = { core: packTarball(coreDir, packed), server: packTarball(serverDir, packed) };

  app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'token-server', private: true }));
  await runOk(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      tarballs.core,
      tarballs.server,
    ],
    { cwd: app },
  );
  const installedSqlite = join(app, 'node_modules/sqlite3');
  if (process.env.TENANTDASH_INSTALL_COMPILE_SQLITE === '1') {
    await runOk('npm', ['rebuild', 'sqlite3'], { cwd: app, timeoutMs: 600_000 });
  } else {
    const workspaceSqlite = dirname(createRequire(import.meta.url).resolve('sqlite3/package.json'));
    const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    expect(version(installedSqlite)).toBe(version(workspaceSqlite));
    cpSync(
      join(workspaceSqlite, 'build/Release/node_sqlite3.node'),
      join(installedSqlite, 'build/Release/node_sqlite3.node'),
    );
  }

  sandbox = await buildSandbox({ databasePath: ':memory:', logger: false });
  await sandbox.listen({ port: 0, host: '127.0.0.1' });
  sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
}, 600_000);

afterAll(async () => {
  await server?.kill();
  await sandbox?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships dist, its command, README, LICENSE and .env.example only, with the bin, engines, and core by version', async () => {
    const listed = (await runOk('tar', ['-tzf', tarballs.server], { cwd: root })).stdout.trim().split('\n');
    const outsideDist = listed.filter((file) => !file.startsWith('package/dist/')).sort();
    expect(outsideDist).toEqual([
      'package/.env.example',
      'package/LICENSE',
      'package/README.md',
      'package/bin/tenantdash-server.js',
      'package/package.json',
    ]);
    expect(listed).toContain('package/dist/bin.js');
    expect(listed.filter((file) => /\.map$|\.test\.|\/src\/|\/test\/|\/bench\//.test(file))).toEqual([]);
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules/@tenantdash/server/package.json'), 'utf8'),
    );
    expect(manifest).toMatchObject({
      bin: { 'tenantdash-server': './bin/tenantdash-server.js' },
      engines: { node: '>=20.19' },
      license: 'MIT',
    });
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies['@tenantdash/core']).toBe(
      JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')).version,
    );
    for (const command of ['bin/tenantdash-server.js', 'dist/bin.js']) {
      expect(readFileSync(join(app, 'node_modules/@tenantdash/server', command), 'utf8')).toMatch(
        /^#!\/usr\/bin\/env node\n/,
      );
    }
  });

  it('passes publint --strict, and its README (the one npm shows) links only to what exists', async () => {
    expect(await publintMessages(tarballs.server)).toEqual([]);
    const readme = readFileSync(join(app, 'node_modules/@tenantdash/server/README.md'), 'utf8');
    const { repoPaths, relativeLinks } = readmeLinks(readme);
    for (const path of repoPaths) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
    expect(relativeLinks).toBe(null);
  });

  it('runs without dev tooling: no tsx, no TypeScript, no vitest installed', () => {
    for (const tool of ['tsx', 'typescript', 'vitest', 'esbuild']) {
      expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
    }
  });
});

describe('npx tenantdash-server', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await npx(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: tenantdash-server \[command\]/);
    expect(result.stdout).toContain('dev-jwt <subject>');
  });

  it('migrate needs the database setting and nothing else', async () => {
    const result = await npx(['migrate'], { DATABASE_URL: 'sqlite:./data/tenantdash.sqlite' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      applied: [
        '0001-initial',
        '0002-one-default-dashboard',
        '0003-audit-read-indexes',
        '0004-tenant-workspace',
      ],
    });
  });

  it('starts (the bin itself) against the sandbox, provisions, mints for a dev-jwt user, audits it, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    writeFileSync(
      join(app, '.env'),
      [
        `PAPERMAP_API_URL=${sandboxUrl}`,
        `PAPERMAP_EMBED_URL=${sandboxUrl}/embedded/dashboard`,
        `PAPERMAP_WORKSPACE_ID=${SANDBOX_SEED.workspaceId}`,
        `PAPERMAP_API_KEY_ID=${SANDBOX_SEED.apiKeyId}`,
        `PAPERMAP_SECRET_KEY=${SANDBOX_SEED.secretKey}`,
        `AUTH_JWT_SECRET=${JWT_SECRET}`,
        'AUTH_ISSUER=https://idp.example.com',
        'AUTH_AUDIENCE=tenantdash',
        `ADMIN_API_KEYS=${ADMIN_KEY}`,
        'DATABASE_URL=sqlite:./data/tenantdash.sqlite',
        `PORT=${port}`,
        'SHUTDOWN_GRACE_MS=0',
        '',
      ].join('\n'),
    );
    const base = `http://127.0.0.1:${port}`;
    // Started as a supervisor (a container's command, a systemd unit) starts it: the bin itself, so the
    // signal reaches the server. npx (like npm and pnpm scripts) dies on SIGTERM and leaves its child running.
    server = await startBackground(join(app, 'node_modules/.bin/tenantdash-server'), [], {
      cwd: app,
      url: `${base}/readyz`,
    });

    const provisioned = await fetch(`${base}/api/v1/dashboards`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: 'acme', name: 'Acme overview' }),
    });
    expect(provisioned.status).toBe(201);
    const dashboard = (await provisioned.json()) as { dashboard_id: string };

    const jwt = await npx(['dev-jwt', 'alice', '--tenant', 'acme']);
    expect(jwt).toMatchObject({ code: 0, stderr: '' });
    const answer = await fetch(`${base}/api/v1/dashboards/iframe-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt.stdout.trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: 'acme' }),
    });
    expect(answer.status).toBe(200);
    const issued = (await answer.json()) as { token: string; embed_url: string; dashboard_id: string };
    expect(issued.dashboard_id).toBe(dashboard.dashboard_id);
    const claims = await verifyEmbedToken(issued.token, {
      resolveKey: (id) =>
        id === SANDBOX_SEED.apiKeyId
          ? { secretKey: SANDBOX_SEED.secretKey, workspaceId: SANDBOX_SEED.workspaceId }
          : undefined,
    });
    expect(claims).toMatchObject({ tenant_id: 'acme', dashboard_id: dashboard.dashboard_id });
    const page = await fetch(issued.embed_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-embed-status="ok"');

    const audited = await npx(['audit', '--tenant', 'acme']);
    expect(audited.code).toBe(0);
    const rows = JSON.parse(audited.stdout) as { items: { subject: string }[] };
    expect(rows.items.map((row) => row.subject)).toEqual(['user:alice']);
    expect(audited.stdout).not.toContain(issued.token);

    // SIGTERM, as a supervisor sends it: the server drains and exits 0 by itself.
    expect(await server.terminate()).toBe(0);
    expect(server.output()).toContain('"msg":"shutting down"');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
