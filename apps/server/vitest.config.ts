import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

// The local PostgreSQL the `postgres` project runs against (test/helper.ts gives each test server a fresh
// schema in it and drops it on close).
const postgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // Each file builds its own apps and sandboxes on loopback; the 2-core machine is shared.
      fileParallelism: false,
      testTimeout: 20_000,
      projects: [
        { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
        {
          // The suite again on PostgreSQL, minus the files that open no database (config, logging).
          extends: true,
          test: {
            name: 'postgres',
            include: ['test/**/*.test.ts'],
            exclude: ['test/config.test.ts', 'test/logging.test.ts', 'test/shared-state.test.ts'],
            env: { TENANTDASH_TEST_POSTGRES_URL: postgresUrl },
          },
        },
      ],
    },
  }),
);
