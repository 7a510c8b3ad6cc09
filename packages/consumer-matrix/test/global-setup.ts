// Once per run: pack @tenantdash/core and @tenantdash/react (pnpm pack, as they would be published), start
// the real sandbox (local Papermap) and token server on free ports with throw-away SQLite files, provision
// one tenant, and hand all of it to the cases. Everything is stopped, by PID, in the teardown.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import {
  DEMO_STACK_DEFAULTS,
  freePort,
  sandboxUrl,
  seedTenants,
  serverUrl,
  startProcess,
  startServer,
  waitForHttp,
  type ChildProcessHandle,
  type StackSettings,
} from '../../../apps/demo/scripts/stack.mjs';
import type { MatrixContext } from './support/context.js';
import { killRecorded } from './support/processes.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(packageDir, '../..');
const artifacts = join(packageDir, 'artifacts');

const PACKED = ['@tenantdash/core', '@tenantdash/react'] as const;
const PACKAGE_DIRS = { '@tenantdash/core': 'packages/core', '@tenantdash/react': 'packages/react' } as const;

/** Tarballs from `MATRIX_TARBALLS` (a directory of .tgz files, e.g. packed from another commit), or packed now. */
function tarballs(root: string): MatrixContext['tarballs'] {
  const given = process.env.MATRIX_TARBALLS;
  const dir = given ? resolve(given) : join(root, 'tarballs');
  if (!given) {
    for (const name of PACKED) {
      const from = join(repoDir, PACKAGE_DIRS[name]);
      if (!existsSync(join(from, 'dist'))) {
        throw new Error(
          `${name} is not built: run \`pnpm exec turbo run test --filter=@tenantdash/consumer-matrix\` ` +
            `(builds what it needs first) or \`pnpm exec turbo run build --filter=@tenantdash/consumer-matrix^...\``,
        );
      }
      execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: from, stdio: 'pipe' });
    }
  }
  const files = readdirSync(dir);
  const find = (prefix: string) => {
    const file = files.find((name) => name.startsWith(prefix) && name.endsWith('.tgz'));
    if (!file) throw new Error(`no ${prefix}*.tgz in ${dir}`);
    return join(dir, file);
  };
  return { '@tenantdash/core': find('tenantdash-core-'), '@tenantdash/react': find('tenantdash-react-') };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'tenantdash-consumer-matrix-'));
  const logs: string[] = [];
  const log = (name: string, line: string) =>
    logs.push(`${new Date().toISOString()} ${name.padEnd(7)} | ${line}`);
  const procs: ChildProcessHandle[] = [];

  const teardown = async () => {
    for (const proc of procs.reverse()) await proc.stop();
    const pids = existsSync(join(root, 'pids')) ? readdirSync(join(root, 'pids')) : [];
    killRecorded(root, pids);
    rmSync(artifacts, { recursive: true, force: true });
    if (logs.length > 0) {
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, 'stack.log'), `${logs.join('\n')}\n`);
    }
    if (process.env.MATRIX_KEEP !== '1') rmSync(root, { recursive: true, force: true });
  };

  try {
    const packed = tarballs(root);
    const appPorts = {
      'vite-react19': await freePort(),
      'vite-react18': await freePort(),
      next16: await freePort(),
    };
    const settings: StackSettings = {
      ...DEMO_STACK_DEFAULTS,
      sandboxPort: await freePort(),
      serverPort: await freePort(),
      dataDir: join(root, 'data'),
      tenants: [{ tenantId: 'matrix-tenant', name: 'Consumer matrix dashboard' }],
    };
    // The sandbox as startSandbox() starts it, but letting every consumer app's origin frame the dashboard
    // (startSandbox allows only the demo's port).
    mkdirSync(settings.dataDir, { recursive: true });
    const sandbox = startProcess({
      name: 'sandbox',
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: join(repoDir, 'apps/sandbox'),
      env: {
        SANDBOX_PORT: String(settings.sandboxPort),
        SANDBOX_HOST: settings.host,
        SANDBOX_DATABASE_PATH: join(settings.dataDir, 'sandbox.sqlite'),
        SANDBOX_ADMIN_TOKEN: settings.sandboxAdminToken,
        SANDBOX_ALLOWED_ORIGINS: Object.values(appPorts)
          .map((port) => `http://127.0.0.1:${port}`)
          .join(','),
      },
      onLine: log,
    });
    procs.push(sandbox);
    await waitForHttp(`${sandboxUrl(settings)}/embedded/dashboard`, sandbox);
    await startServer(settings, log, (proc) => procs.push(proc));
    const seeded = await seedTenants(settings, log);
    const tenant = settings.tenants[0];
    const dashboardId = tenant && seeded[tenant.tenantId];
    if (!tenant || !dashboardId) throw new Error(`provisioning failed: ${JSON.stringify(seeded)}`);

    const context: MatrixContext = {
      root,
      tarballs: packed,
      sandboxUrl: sandboxUrl(settings),
      serverUrl: serverUrl(settings),
      appPorts,
      workspaceId: settings.workspaceId,
      apiKeyId: settings.apiKeyId,
      secretKey: settings.secretKey,
      jwt: { secret: settings.jwtSecret, issuer: settings.jwtIssuer, audience: settings.jwtAudience },
      tenant: { ...tenant, dashboardId },
    };
    project.provide('matrix', context);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
