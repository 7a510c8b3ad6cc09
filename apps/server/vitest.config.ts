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
        { extends: true, test: { name: 'sqlite', include: ['test/*.test.ts'] } },
        {
          // The suite again on PostgreSQL, minus the files that open no database (config, logging) or test
          // something the engine does not change (the docs page in a browser).
          extends: true,
          test: {
            name: 'postgres',
            include: ['test/*.test.ts'],
            exclude: [
              'test/config.test.ts',
              'test/logging.test.ts',
              'test/shared-state.test.ts',
              'test/docs-browser.test.ts',
              'test/readme.test.ts',
            ],
            env: { TENANTDASH_TEST_POSTGRES_URL: postgresUrl },
          },
        },
        {
          // Once: the packed package installed with npm outside the repository, and the READMEs' quick starts
          // run verbatim in a fresh clone.
          extends: true,
          test: {
            name: 'install',
            include: ['test/install/*.test.ts'],
            testTimeout: 240_000,
            hookTimeout: 600_000,
          },
        },
      ],
    },
  }),
);
