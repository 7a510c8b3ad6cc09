/** Liveness (the process answers) and readiness (the database answers; the config was valid at start). */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';

async function healthRoutes(fastify: FastifyInstance) {
  fastify.get('/healthz', { config: { rateLimit: false }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  fastify.get('/readyz', { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    try {
      await fastify.store.sequelize.authenticate();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      return reply.code(503).send(errorBody(503, 'NOT_READY', 'The database is not reachable'));
    }
  });
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(healthRoutes, {
  name: 'tenantdash-routes-health',
  dependencies: ['tenantdash-db'],
  encapsulate: true,
});
