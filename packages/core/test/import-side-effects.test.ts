// Importing the package must touch nothing a runtime may lack until a function is called: Jest + jsdom has
// no TextEncoder/TextDecoder, edge and SSR sandboxes lack other globals. Checked on the BUILT files (what
// npm users load), each in a child process that removes every non-ECMAScript global before importing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const local = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const script = local('./fixtures/import-bare.mjs');

const builds: Array<[string, 'esm' | 'cjs']> = [
  ['dist/web/index.js', 'esm'],
  ['dist/web/index.cjs', 'cjs'],
  ['dist/node/index.js', 'esm'],
  ['dist/node/index.cjs', 'cjs'],
];

describe('importing the built package with no host globals', () => {
  it.each(builds)('%s (%s) imports, then works once the globals are back', (path, format) => {
    const file = local(`../${path}`);
    expect(existsSync(file), `${path} is missing: run the build first`).toBe(true);
    const out = execFileSync(process.execPath, [script, file, format], { encoding: 'utf8' });
    const result = JSON.parse(out) as { removed: string[]; tenant: string };
    expect(result.removed).toEqual(
      expect.arrayContaining(['TextEncoder', 'TextDecoder', 'crypto', 'atob', 'btoa', 'URL', 'process']),
    );
    expect(result.tenant).toBe('org-1');
  });
});
