// TypeScript 5.9 consumers: `tsc --noEmit` (skipLibCheck off, so the shipped .d.ts files are checked too) over
// files importing both packages, in every module resolution an app or library may use. Each file also holds
// lines that must be type errors (marked with TypeScript's expect-error comment), so types that resolved to
// `any` would fail the check as surely as missing ones.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/context.js';
import { installFixture } from './support/fixtures.js';
import { run, type RunResult } from './support/processes.js';

/** tsc's diagnostics, one string each (a first line "file(line,col): error TS…" and its indented lines). */
function diagnostics(result: RunResult): string[] {
  const out: string[] = [];
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && out.length > 0) out[out.length - 1] += `\n${line}`;
    else out.push(line);
  }
  return out;
}

describe.sequential('typescript: tsc --noEmit in each module resolution', () => {
  const ctx = matrix();
  let dir: string;
  // One program per module setting (the .mts and .cts files together), shared by that setting's cases.
  const checks = new Map<string, Promise<RunResult>>();
  const check = (config: string) => {
    let result = checks.get(config);
    if (!result) {
      result = run(
        ctx.root,
        process.execPath,
        [join(dir, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${config}.json`, '--pretty', 'false'],
        { cwd: dir },
      );
      checks.set(config, result);
    }
    return result;
  };

  beforeAll(async () => {
    dir = await installFixture(ctx, 'typescript');
  });

  it.each([
    { config: 'node16', file: 'consumer.mts', what: 'node16, ESM (.mts)' },
    { config: 'node16', file: 'consumer.cts', what: 'node16, CommonJS (.cts)' },
    { config: 'nodenext', file: 'consumer.mts', what: 'nodenext, ESM (.mts)' },
    { config: 'nodenext', file: 'consumer.cts', what: 'nodenext, CommonJS (.cts)' },
    { config: 'bundler', file: 'app.tsx', what: 'bundler, module esnext (.tsx)' },
  ])('$what type-checks', async ({ config, file }) => {
    // This file's errors, and any not in one of the fixture's own files (the packages' .d.ts, the config).
    const result = await check(config);
    const all = diagnostics(result);
    const mine = all.filter((line) => line.startsWith(`src/${file}(`) || !line.startsWith('src/'));
    expect(mine).toEqual([]);
    // A tsc that failed without saying why fails every case of its program.
    if (all.length === 0) expect(result.code).toBe(0);
  });
});
