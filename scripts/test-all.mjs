#!/usr/bin/env node
// Checks formatting, runs lint, typecheck and every package's tests through turbo, then prints one closing
// line that sums the Vitest JSON reports of all packages: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaceDirs = ['packages', 'apps'].flatMap((group) => {
  const dir = join(root, group);
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
});

for (const dir of workspaceDirs) rmSync(join(dir, 'reports'), { recursive: true, force: true });

const format = spawnSync('pnpm', ['exec', 'prettier', '--check', '--log-level', 'warn', '.'], {
  cwd: root,
  stdio: 'inherit',
});
if (format.status !== 0) console.error('formatting differs from Prettier: run `pnpm format`');

const turbo = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'lint',
    'typecheck',
    'test',
    '--continue',
    '--concurrency=1',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const dir of workspaceDirs) {
  if (!existsSync(join(dir, 'package.json'))) continue;
  const report = join(dir, 'reports', 'vitest.json');
  if (!existsSync(report)) {
    missing.push(dir.slice(root.length));
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  skipped += result.numPendingTests + (result.numTodoTests ?? 0);
  // A suite that fails to load counts no test, but it is still a failure.
  failed += result.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
}
if (missing.length > 0) console.error(`no test report from: ${missing.join(', ')}`);

const ok = format.status === 0 && turbo.status === 0 && failed === 0 && missing.length === 0;
console.log(`\n${passed} passed, ${failed + missing.length} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
