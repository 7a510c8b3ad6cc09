// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

interface SizeLimitCheck {
  name: string;
  path: string;
  import?: string;
  ignore?: string[];
  limit: string;
}

// The size budget, in the test run: size-limit bundles dist/index.js locally with esbuild (no network), the
// way an app's bundler would: @tenantdash/core is bundled in (its browser build, which is what an app
// ships), and only the peers react, react-dom and React Query stay external.
it('keeps <TenantDashboard> within 6 kB min+gzip in an app bundle, @tenantdash/core included (size-limit)', () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const checks = (JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as Record<string, unknown>)[
    'size-limit'
  ] as SizeLimitCheck[];
  expect(checks).toHaveLength(1);
  expect(checks[0]).toMatchObject({ path: 'dist/index.js', import: '{ TenantDashboard }', limit: '6 kB' });
  expect(checks[0]?.ignore).toEqual(['react', 'react-dom', '@tanstack/react-query']);

  const saved = mkdtempSync(join(tmpdir(), 'tenantdash-size-'));
  const bundleDir = join(saved, 'bundle');
  try {
    let out: string;
    try {
      out = execFileSync('node', ['node_modules/size-limit/bin.js', '--json', '--save-bundle', bundleDir], {
        cwd,
        encoding: 'utf8',
      });
    } catch (error) {
      out = (error as { stdout: string }).stdout; // size-limit exits 1 when over the limit
    }
    const [report] = JSON.parse(out) as { name: string; passed: boolean; size: number }[];
    const bundle = readdirSync(bundleDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(bundleDir, file), 'utf8'))
      .join('\n');
    // core's buildEmbedUrl is in the measured bundle, from its web build (no Node module).
    expect(bundle).toContain('embedded-token');
    expect(bundle).not.toMatch(/["'](node:)?(crypto|buffer)["']/);
    // The peers stay external: referenced by name, not bundled.
    expect(bundle).toMatch(/["']react["']/);
    expect(bundle).toMatch(/["']@tanstack\/react-query["']/);
    expect(bundle).not.toContain('QueryObserver');
    expect(report?.size, `${report?.size} bytes min+gzip`).toBeLessThanOrEqual(6000);
    expect(report?.passed).toBe(true);
  } finally {
    rmSync(saved, { recursive: true, force: true });
  }
}, 60_000);
