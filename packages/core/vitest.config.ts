import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

// Tests run in Node, so `#platform` is the Node implementation here, as in the package's `node` build
// (tsup.config.ts); test/platform.test.ts checks the Web one against it.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    // The property tests run hundreds of cases each: seconds on a 2-core machine that turbo also gives to
    // other packages' builds and tests, past Vitest's 5 s default.
    test: { testTimeout: 30_000 },
    resolve: {
      alias: { '#platform': fileURLToPath(new URL('./src/platform/node.ts', import.meta.url)) },
    },
  }),
);
