import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      // Packs core and react once and starts the sandbox and the token server once for every case.
      globalSetup: ['test/global-setup.ts'],
      // One worker per consumer: their npm installs (network, disk) overlap with each other's builds (CPU).
      fileParallelism: true,
      maxWorkers: 6,
      testTimeout: 120_000,
      // npm install + production build of a consumer app, on a busy two-core machine.
      hookTimeout: 300_000,
      teardownTimeout: 60_000,
    },
  }),
);
