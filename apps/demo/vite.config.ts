import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { demoDevConfig } from './identity/config.ts';
import { demoIdentity } from './identity/plugin.ts';

// The only place the demo reads the environment (see identity/config.ts for the variables).
const config = demoDevConfig(process.env);

export default defineConfig({
  plugins: [react(), demoIdentity(config)],
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    hmr: config.hmr,
    ...(config.hmr ? {} : { watch: null }),
    // Same-origin token endpoint, as the component expects by default; the token server needs no CORS.
    proxy: { '/api': { target: config.tokenServerUrl, changeOrigin: false } },
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { sourcemap: true },
});
