// Settings every package's Vitest config starts from: a JSON report that scripts/test-all.mjs sums up.
// Plain ESM (typed by vitest.shared.d.mts) so that Vite's native config loader can import it as is.

/** @type {import('vitest/config').ViteUserConfig} */
export const sharedTestConfig = {
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    restoreMocks: true,
    unstubGlobals: true,
  },
};
