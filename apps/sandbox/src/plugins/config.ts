import fp from 'fastify-plugin';
import type { SandboxConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: SandboxConfig;
  }
}

export default fp(
  async (app, opts: { config: SandboxConfig }) => {
    app.decorate('config', opts.config);
  },
  { name: 'sandbox-config' },
);
