import { mergeConfig, type InlineConfig } from 'vite';

/**
 * `storybook build` quiet: only what a person must act on. Vite's per-file size table is info; the rest are
 * warnings that do not apply to a local review tool's bundle.
 */
export function quietBuild(config: InlineConfig): InlineConfig {
  return mergeConfig(config, {
    logLevel: 'warn',
    build: {
      // The preview bundles React, Storybook's runtime and msw for a review tool, not an app's page weight.
      chunkSizeWarningLimit: 2048,
      reportCompressedSize: false,
      rolldownOptions: {
        // Timing notes vary run to run and say nothing about the output.
        checks: { pluginTimings: false },
        onwarn(warning, warn) {
          // React Query marks its modules "use client" for server-component bundlers; this bundle is all client.
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use client"')) return;
          warn(warning);
        },
      },
    },
  } satisfies InlineConfig);
}
