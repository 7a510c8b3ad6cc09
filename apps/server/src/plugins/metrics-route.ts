/**
 * `GET /metrics` (Prometheus text) and what only it needs: a request counter per route pattern, method and
 * status class, the token endpoint's outcomes, rate-limited answers and the audit backlog, all in the
 * registry of the `tenantdash-metrics` plugin. Not encapsulated: its onRoute hook resolves the counters of
 * every route registered after it (the API and the probes, not the docs pages), each with one callback
 * onResponse hook (an async one costs a promise per request).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, onResponseHookHandler, RouteOptions } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { apiError, MESSAGES } from '../errors.js';
import { errorResponses } from '../openapi.js';
import {
  METRICS_PREFIX,
  processMetrics,
  SlotCounter,
  TOKEN_OUTCOMES,
  tokenOutcome,
  type Slot,
  type TokenOutcome,
} from './metrics.js';

export interface MetricsRouteOptions {
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

const STATUS_CLASSES = ['', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant time whatever the header holds: both sides are hashed to the same length first. */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  // An absent token is compared as '' (the configured one is never empty), so every path does the same work.
  return timingSafeEqual(digest(match?.[1] ?? ''), expected);
}

function isTokenRoute(route: RouteOptions): boolean {
  return route.method === 'POST' && route.url.endsWith('/dashboards/iframe-token');
}

async function metricsRoute(fastify: FastifyInstance, options: MetricsRouteOptions) {
  const own = fastify.tenantdashMetrics.registry;

  const requests = new SlotCounter(
    own,
    `${METRICS_PREFIX}http_requests_total`,
    'Requests answered, by route pattern, method and status class.',
    ['route', 'method', 'status_class'],
  );
  const rateLimited = new SlotCounter(
    own,
    `${METRICS_PREFIX}rate_limited_total`,
    'Requests refused with 429 by a rate limit, by route pattern.',
    ['route'],
  );
  const tokens = new SlotCounter(
    own,
    `${METRICS_PREFIX}embed_tokens_total`,
    'Embed token requests (POST /dashboards/iframe-token), by outcome.',
    ['outcome'],
  );
  // Resolved once: the outcome of a token request picks one of these by its status code.
  const tokenSlots = Object.fromEntries(
    TOKEN_OUTCOMES.map((outcome) => [outcome, tokens.slot({ outcome }, true)]),
  ) as Record<TokenOutcome, Slot>;

  const { audit } = fastify.store;
  new Gauge({
    name: `${METRICS_PREFIX}audit_pending_rows`,
    help: 'Token audit rows waiting to be committed (each holds back the token request it belongs to).',
    registers: [own],
    collect() {
      this.set(audit.pendingRows);
    },
  });

  // Every route registered after this plugin gets its counters resolved now and one onResponse hook (a
  // callback hook: an async one costs a promise per request).
  fastify.addHook('onRoute', (route) => {
    const url = route.url;
    const slotsFor = (method: string) =>
      STATUS_CLASSES.map((statusClass) =>
        statusClass === '' ? undefined : requests.slot({ route: url, method, status_class: statusClass }),
      );
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const byMethod: Record<string, (Slot | undefined)[]> = {};
    for (const method of methods) byMethod[method] = slotsFor(method);
    const single = methods.length === 1 ? byMethod[methods[0]!] : undefined;
    const limited = rateLimited.slot({ route: url });
    const countsTokens = isTokenRoute(route);

    const hook: onResponseHookHandler = (request, reply, done) => {
      const status = reply.statusCode;
      const slot = (single ?? byMethod[request.method])?.[(status / 100) | 0];
      if (slot !== undefined) slot.count++;
      if (status === 429) limited.count++;
      if (countsTokens) tokenSlots[tokenOutcome(status)].count++;
      done();
    };
    const existing = route.onResponse;
    route.onResponse =
      existing === undefined ? [hook] : Array.isArray(existing) ? [...existing, hook] : [existing, hook];
  });

  const registry = Registry.merge([processMetrics(), own]);
  const expected = options.token === undefined ? undefined : digest(options.token);

  fastify.get(
    '/metrics',
    // Prometheus scrapes on a schedule and is never rate limited.
    {
      config: { rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        description:
          'The Prometheus text format: tokens by outcome, rate limiting, HTTP answers by route, Papermap latency ' +
          'and errors, audit backlog, Redis failures, process metrics. With `METRICS_TOKEN` set, send ' +
          '`Authorization: Bearer <METRICS_TOKEN>`; without it, keep /metrics off the internet. Not rate limited.',
        security: [],
        response: {
          200: {
            description: 'Metrics, `text/plain; version=0.0.4`',
            content: {
              'text/plain': {
                schema: { type: 'string' },
                example:
                  '# HELP tenantdash_embed_tokens_total Embed token requests…\ntenantdash_embed_tokens_total{outcome="issued"} 42\n',
              },
            },
          },
          ...errorResponses('UNAUTHENTICATED'),
        },
      },
    },
    async (request, reply) => {
      if (expected !== undefined && !bearerMatches(request.headers.authorization, expected)) {
        reply.header('www-authenticate', 'Bearer');
        throw apiError('UNAUTHENTICATED', MESSAGES.metricsToken);
      }
      const text = await registry.metrics();
      return reply.header('cache-control', 'no-store').type(registry.contentType).send(text);
    },
  );
}

export default fp(metricsRoute, {
  name: 'tenantdash-metrics-route',
  fastify: '5.x',
  dependencies: ['tenantdash-metrics', 'tenantdash-db'],
});
