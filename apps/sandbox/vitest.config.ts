import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

export default mergeConfig(
  defineConfig(sharedTestConfig),
  defineConfig({
    test: {
      // The browser test and the SQLite files are heavier than unit tests; keep one worker on a shared box.
      fileParallelism: false,
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  }),
);
