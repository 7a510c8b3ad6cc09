import fp from 'fastify-plugin';
import type { SandboxConfig } from '../config.js';
import { SandboxStore } from '../db/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: SandboxStore;
  }
}

/** Opens the SQLite database (migrated and seeded) and closes it with the app. */
export default fp(
  async (app, opts: { config: SandboxConfig }) => {
    const store = await SandboxStore.open(opts.config);
    app.decorate('store', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'sandbox-store' },
);
