// @vitest-environment node
// Importing the package (and @tenantdash/core with it) must touch nothing a runtime may lack until it is
// used: Jest + jsdom has no TextEncoder/TextDecoder, SSR has no window or document, edge sandboxes lack
// more. Checked on the BUILT files, as npm users load them.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

const local = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// jsdom ships no types (and @types/jsdom is not needed for the little used here).
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (
    html: string,
    options: { runScripts: 'outside-only'; url: string },
  ) => { window: object; getInternalVMContext(): vm.Context };
};
const script = local('./fixtures/import-bare.mjs');
const builds: Array<[string, 'esm' | 'cjs']> = [
  ['dist/index.js', 'esm'],
  ['dist/index.cjs', 'cjs'],
];
const PUBLIC_NAMES = ['TenantDashboard', 'TenantDashProvider', 'useEmbedToken', 'TenantDashboardError'];

describe('importing the built package', () => {
  it.each(builds)('%s (%s) imports with no host globals but process', (path, format) => {
    const file = local(`../${path}`);
    expect(existsSync(file), `${path} is missing: run the build first`).toBe(true);
    const out = execFileSync(process.execPath, [script, file, format], { encoding: 'utf8' });
    const result = JSON.parse(out) as { removed: string[]; exported: string[] };
    expect(result.removed).toEqual(
      expect.arrayContaining(['TextEncoder', 'TextDecoder', 'crypto', 'atob', 'URL', 'setTimeout']),
    );
    expect(result.exported).toEqual(expect.arrayContaining(PUBLIC_NAMES));
  });

  it('dist/index.cjs loads in a Jest-like jsdom realm without TextEncoder/TextDecoder', () => {
    // What jest-environment-jsdom does: every module runs in a vm context whose global is jsdom's window
    // (its jsdom has no TextEncoder/TextDecoder), and packages resolve with the `browser` condition, so
    // @tenantdash/core is its web build (the `default` branch of its exports).
    const dom = new JSDOM('<!doctype html><html><body></body></html>', {
      runScripts: 'outside-only',
      url: 'http://localhost/',
    });
    const context = dom.getInternalVMContext();
    vm.runInContext('delete globalThis.TextEncoder; delete globalThis.TextDecoder;', context);
    Object.assign(dom.window, { process: { env: { NODE_ENV: 'test' } } });
    expect(vm.runInContext('typeof TextDecoder + " " + typeof TextEncoder', context)).toBe(
      'undefined undefined',
    );

    const entry = local('../dist/index.cjs');
    const coreDir = dirname(createRequire(entry).resolve('@tenantdash/core/package.json'));
    const coreManifest = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as {
      exports: { '.': { default: { require: { default: string } } } };
    };
    const coreBrowserCjs = join(coreDir, coreManifest.exports['.'].default.require.default);

    const cache = new Map<string, { exports: unknown }>();
    const hostRequire = createRequire(import.meta.url);
    const load = (filename: string): unknown => {
      const cached = cache.get(filename);
      if (cached) return cached.exports;
      const module = { exports: {} as unknown };
      cache.set(filename, module);
      if (filename.endsWith('.json')) {
        module.exports = JSON.parse(readFileSync(filename, 'utf8'));
        return module.exports;
      }
      const source = readFileSync(filename, 'utf8');
      const wrapper = vm.runInContext(
        `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
        context,
        { filename },
      ) as (...args: unknown[]) => void;
      const resolve = createRequire(filename).resolve;
      const require = (id: string) => {
        if (id === '@tenantdash/core') return load(coreBrowserCjs);
        if (isBuiltin(id)) return hostRequire(id);
        return load(resolve(id));
      };
      wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
      return module.exports;
    };

    const loaded = load(entry) as Record<string, unknown>;
    expect(cache.has(coreBrowserCjs)).toBe(true);
    for (const name of PUBLIC_NAMES) expect(typeof loaded[name], name).toBe('function');
  });
});
