import fp from 'fastify-plugin';
import type { SandboxConfig } from '../config.js';
import { FaultState } from '../faults.js';

declare module 'fastify' {
  interface FastifyInstance {
    faults: FaultState;
  }
}

/** The fault switch shared by the upstream API routes and the admin endpoint. */
export default fp(
  async (app, opts: { config: SandboxConfig }) => {
    app.decorate('faults', new FaultState(opts.config.faults));
  },
  { name: 'sandbox-faults' },
);
