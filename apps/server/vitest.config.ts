import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

export default defineConfig({
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    // Each file builds its own apps and sandboxes on loopback; the 2-core machine is shared.
    fileParallelism: false,
    testTimeout: 20_000,
  },
});
