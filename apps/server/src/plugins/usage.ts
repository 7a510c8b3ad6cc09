/** Credit usage reports (services/usage.ts), exposed as `fastify.usage`: cached in `fastify.caches.usage`. */
import fp from 'fastify-plugin';
import { UsageService } from '../services/usage.js';

declare module 'fastify' {
  interface FastifyInstance {
    usage: UsageService;
  }
}

export interface UsagePluginOptions {
  /** How long a usage report is reused. */
  ttlMs: number;
}

export default fp<UsagePluginOptions>(
  async (fastify, { ttlMs }) => {
    fastify.decorate('usage', new UsageService(fastify.workspaces, fastify.caches.usage, ttlMs));
  },
  { name: 'tenantdash-usage', fastify: '5.x', dependencies: ['tenantdash-workspaces', 'tenantdash-caches'] },
);
