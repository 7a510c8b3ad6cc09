import { defineConfig } from 'tsup';

// 'use client' marks every entry as a client component for React Server Components (Next.js App Router).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: 'es2022',
  dts: true,
  sourcemap: true,
  clean: true,
  external: ['react', 'react-dom', '@tanstack/react-query', '@tenantdash/core'],
  banner: { js: "'use client';" },
});
