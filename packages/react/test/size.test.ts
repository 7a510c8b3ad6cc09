// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The size budget, in the test run: size-limit bundles dist/index.js locally with esbuild (no network).
it('stays within the 6 kB min+gzip budget (size-limit)', () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const out = execFileSync('node', ['node_modules/size-limit/bin.js', '--json'], { cwd, encoding: 'utf8' });
  const [report] = JSON.parse(out) as { name: string; passed: boolean; size: number }[];
  expect(report?.passed).toBe(true);
  expect(report?.size).toBeLessThanOrEqual(6000);
}, 60_000);
