import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.mjs';

const local = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      testTimeout: 20_000,
      projects: [
        {
          extends: true,
          test: {
            name: 'react19',
            environment: 'jsdom',
            include: ['test/**/*.test.{ts,tsx}'],
            setupFiles: ['test/setup.ts'],
          },
        },
        {
          // The lifecycle and component suites again, against React 18 (the peer range is ^18 || ^19).
          extends: true,
          resolve: {
            alias: [
              { find: /^react-dom(\/.*)?$/, replacement: `${local('node_modules/react-dom-18')}$1` },
              { find: /^react(\/.*)?$/, replacement: `${local('node_modules/react-18')}$1` },
            ],
          },
          test: {
            name: 'react18',
            environment: 'jsdom',
            include: [
              'test/use-embed-token.test.tsx',
              'test/tenant-dashboard.test.tsx',
              'test/react-version.test.tsx',
              'test/user-isolation-and-revocation.test.tsx',
              'test/preconnect.test.tsx',
              'test/prefetch.test.tsx',
            ],
            setupFiles: ['test/react18-setup.ts', 'test/setup.ts'],
            server: { deps: { inline: [/@tanstack\/react-query/] } },
            env: { EXPECT_REACT_MAJOR: '18' },
          },
        },
      ],
    },
  }),
);
