/**
 * Liveness (the process answers) and readiness: the database answers and, when rate limits depend on Redis
 * (fail closed), Redis answers too; a load balancer then sends traffic elsewhere instead of to an instance
 * that would only answer 503. The config was valid at start, or there would be no process.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.js';
import { failureKind } from '../services/failure-log.js';

export interface HealthRouteOptions {
  /** Readiness needs Redis (it is configured and rate limits do not fail open). */
  redisRequired: boolean;
}

async function healthRoutes(fastify: FastifyInstance, { redisRequired }: HealthRouteOptions) {
  fastify.get('/healthz', { config: { rateLimit: false }, schema: { hide: true } }, async () => ({
    status: 'ok',
  }));
  fastify.get('/readyz', { config: { rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    try {
      await fastify.store.sequelize.authenticate();
    } catch (error) {
      request.log.warn({ failure: failureKind(error) }, 'database not reachable');
      return reply.code(503).send(errorBody(503, 'NOT_READY', 'The database is not reachable'));
    }
    if (redisRequired && fastify.redis) {
      try {
        await fastify.redis.ping();
      } catch (error) {
        request.log.warn({ failure: failureKind(error) }, 'redis not reachable');
        return reply.code(503).send(errorBody(503, 'NOT_READY', 'Redis is not reachable'));
      }
    }
    return { status: 'ready' };
  });
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(healthRoutes, {
  name: 'tenantdash-routes-health',
  dependencies: ['tenantdash-db', 'tenantdash-redis'],
  encapsulate: true,
});
