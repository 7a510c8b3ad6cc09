import { defineConfig } from 'tsup';

// Two builds of the same source: `#platform` resolves to node:crypto for Node (fast, synchronous HMAC)
// and to Web Crypto for browsers and edge runtimes, so the web build never imports a Node module.
export default defineConfig([
  {
    entry: { 'node/index': 'src/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: { entry: { index: 'src/index.ts' } },
    sourcemap: true,
  },
  {
    entry: { 'web/index': 'src/index.ts' },
    format: ['esm', 'cjs'],
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
  },
]);
