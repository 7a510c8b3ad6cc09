// Settings every package's Vitest config starts from: a JSON report that scripts/test-all.mjs sums up.
import type { ViteUserConfig } from 'vitest/config';

export const sharedTestConfig = {
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    restoreMocks: true,
    unstubGlobals: true,
  },
} satisfies ViteUserConfig;
