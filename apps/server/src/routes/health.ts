/**
 * Liveness (the process answers) and readiness: the database answers and, when rate limits depend on Redis
 * (fail closed), Redis answers too; a load balancer then sends traffic elsewhere instead of to an instance
 * that would only answer 503. The config was valid at start, or there would be no process.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, RouteShorthandOptions } from 'fastify';
import { catalogueBody, MESSAGES } from '../errors.js';
import { errorResponses } from '../openapi.js';
import { failureKind } from '../services/failure-log.js';

export interface HealthRouteOptions {
  /** Readiness needs Redis (it is configured and rate limits do not fail open). */
  redisRequired: boolean;
}

/** 503 NOT_READY, answered here rather than thrown: the probe's own warning says why, once. */
function notReady(reply: FastifyReply, message?: string) {
  const body = catalogueBody('NOT_READY', message);
  return reply.code(body.statusCode).send(body);
}

async function healthRoutes(fastify: FastifyInstance, { redisRequired }: HealthRouteOptions) {
  // Probes are never rate limited: a load balancer polls them from one address.
  fastify.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        description: 'For a liveness probe. Needs no credentials and is not rate limited.',
        security: [],
        response: {
          200: {
            type: 'object',
            description: 'The process is up',
            examples: [{ status: 'ok' }],
            properties: { status: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );
  const readiness: RouteShorthandOptions = {
    config: { rateLimit: false },
    schema: {
      tags: ['operations'],
      summary: 'Readiness: the database (and Redis, when limits fail closed) answers',
      description:
        'For a load balancer: 503 while a dependency is unreachable or the instance is draining after SIGTERM. ' +
        'Needs no credentials and is not rate limited.',
      security: [],
      response: {
        200: {
          type: 'object',
          description: 'Ready to serve',
          examples: [{ status: 'ready' }],
          properties: { status: { type: 'string' } },
        },
        ...errorResponses('NOT_READY', 'SHUTTING_DOWN'),
      },
    },
  };
  fastify.get('/readyz', readiness, async (request, reply) => {
    try {
      await fastify.store.sequelize.authenticate();
    } catch (error) {
      request.log.warn({ failure: failureKind(error) }, 'database not reachable');
      return notReady(reply);
    }
    if (redisRequired && fastify.redis) {
      try {
        await fastify.redis.ping();
      } catch (error) {
        request.log.warn({ failure: failureKind(error) }, 'redis not reachable');
        return notReady(reply, MESSAGES.notReadyRedis);
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
