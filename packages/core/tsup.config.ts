import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

// Two builds of the same source: `#platform` resolves to node:crypto for Node (fast, synchronous HMAC)
// and to Web Crypto for browsers and edge runtimes, so the web build never imports a Node module.
// The choice is made here, at build time, so the published package needs no `imports` map (which would
// point at source files it does not ship). Type checking, editors and esbuild without this plugin
// resolve `#platform` through tsconfig.json `paths` (the web platform); Vitest aliases it to the Node one.
const platform = (name: 'node' | 'web'): Plugin => ({
  name: `tenantdash-platform-${name}`,
  setup(build) {
    const path = fileURLToPath(new URL(`./src/platform/${name}.ts`, import.meta.url));
    build.onResolve({ filter: /^#platform$/ }, () => ({ path }));
  },
});

export default defineConfig([
  {
    entry: { 'node/index': 'src/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: { entry: { index: 'src/index.ts' } },
    sourcemap: true,
    esbuildPlugins: [platform('node')],
  },
  {
    entry: { 'web/index': 'src/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    esbuildPlugins: [platform('web')],
  },
]);
