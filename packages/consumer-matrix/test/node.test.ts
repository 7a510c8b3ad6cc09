// Plain Node.js, no bundler: a CommonJS file that require()s both packages and an ES module that imports them.
// Each mints a token with core, verifies it, sees a forged one refused, and lists what React exports.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/context.js';
import { installFixture } from './support/fixtures.js';
import { runOk } from './support/processes.js';

interface Report {
  coreResolved: string;
  reactResolved: string;
  startedAt: number;
  minted: { dashboard_id: string; expires_at: number };
  claims: Record<string, unknown>;
  forged: unknown;
  react: Record<string, unknown>;
}

describe.sequential('node: plain Node.js consumers', () => {
  const ctx = matrix();
  let dir: string;

  beforeAll(async () => {
    dir = await installFixture(ctx, 'node');
  });

  it.each([
    { file: 'index.cjs', core: 'dist/node/index.cjs', react: 'dist/index.cjs' },
    { file: 'index.mjs', core: 'dist/node/index.js', react: 'dist/index.js' },
  ])('$file loads both packages, and core signs and verifies', async ({ file, core, react }) => {
    const { stdout } = await runOk(ctx.root, process.execPath, [file], { cwd: dir });
    const report = JSON.parse(stdout) as Report;
    expect(report.coreResolved).toBe(join(dir, 'node_modules/@tenantdash/core', core));
    expect(report.reactResolved).toBe(join(dir, 'node_modules/@tenantdash/react', react));
    expect(report.minted.dashboard_id).toBe('dash-node');
    // 600 s from the second the script started (or the next, if that second ended meanwhile).
    expect([report.startedAt + 600, report.startedAt + 601]).toContain(report.minted.expires_at);
    expect(report.claims).toEqual({
      api_key_id: 'ak_consumer',
      workspace_id: 'ws_consumer',
      tenant_id: 'tenant-node',
      dashboard_id: 'dash-node',
      valid_until: report.minted.expires_at,
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(report.forged).toEqual({ name: 'TokenError', code: 'TOKEN_INVALID', isTenantDashError: true });
    expect(report.react).toEqual({
      TenantDashboard: 'function',
      TenantDashProvider: 'function',
      useEmbedToken: 'function',
      TenantDashboardError: 'function',
      DEFAULT_TOKEN_URL: '/api/v1/dashboards/iframe-token',
    });
  });
});
