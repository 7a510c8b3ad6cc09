/**
 * Rate limiting: @fastify/rate-limit's global per-IP limiter on every route (routes may opt out or set their
 * own, like the token endpoint), counted in Redis when there is one so every instance counts together (see
 * services/rate-limit-store.ts for what happens when Redis is away), the 429 answer in the shared error shape,
 * and the unknown-route answer, which counts against the same limit: probing for routes is not free.
 */
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { apiError, catalogueBody, MESSAGES } from '../errors.js';
import { redisFailure } from './caches.js';
import { sharedRateLimitStore } from '../services/rate-limit-store.js';

export interface RateLimitPluginOptions {
  /** Requests per window and IP on every route without a limit of its own. */
  globalMax: number;
  windowMs: number;
  /** When Redis cannot be reached: let requests through uncounted (true) or refuse them with 503. */
  failOpen: boolean;
}

export default fp<RateLimitPluginOptions>(
  async (fastify, options) => {
    const store = fastify.redis
      ? sharedRateLimitStore(fastify.redis, {
          failOpen: options.failOpen,
          onFailure: redisFailure(
            fastify,
            'rate_limit',
            options.failOpen
              ? 'rate limit store unreachable: requests pass uncounted (RATE_LIMIT_FAIL_OPEN)'
              : 'rate limit store unreachable: requests refused with 503',
          ),
        })
      : undefined;
    await fastify.register(rateLimit, {
      ...(store ? { store } : {}),
      global: true,
      max: options.globalMax,
      timeWindow: options.windowMs,
      // Always a 429: the library only answers 403 for bans, which are not configured.
      errorResponseBuilder: (_request, context) =>
        apiError('RATE_LIMITED', MESSAGES.rateLimitedIn(context.after)),
    });
    fastify.setNotFoundHandler({ preHandler: fastify.rateLimit() }, (_request, reply) => {
      const body = catalogueBody('ROUTE_NOT_FOUND');
      return reply.code(body.statusCode).send(body);
    });
  },
  {
    name: 'tenantdash-rate-limit',
    fastify: '5.x',
    dependencies: ['tenantdash-redis', 'tenantdash-metrics', 'tenantdash-errors'],
  },
);
