import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  external: ['react', 'react-dom', '@tanstack/react-query', '@tenantdash/core'],
};

export default defineConfig([
  // 'use client' marks the main entry as a client component for React Server Components (Next.js App Router).
  { ...shared, entry: { index: 'src/index.ts' }, clean: ['index.*'], banner: { js: "'use client';" } },
  // The prefetch entry runs in Server Components and loaders: no 'use client', no component, no hook.
  { ...shared, entry: { prefetch: 'src/prefetch.ts' }, clean: ['prefetch.*'] },
]);
