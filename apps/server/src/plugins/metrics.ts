/**
 * Prometheus metrics, served as text at `GET /metrics` and exposed as `fastify.tenantdashMetrics`.
 *
 * Labels never hold tenant ids, user ids or raw URLs: routes are labelled with their URL pattern, so the
 * number of series is fixed by the code, not by the traffic. Counters on the request path are plain numbers
 * handed to prom-client when Prometheus scrapes (see `SlotCounter`); the token endpoint is benchmarked for
 * CPU per request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, onResponseHookHandler, RouteOptions } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { apiError, MESSAGES } from '../errors.js';
import { errorResponses } from '../openapi.js';
import { UPSTREAM_OPERATIONS, UPSTREAM_OUTCOMES, type UpstreamResult } from '../services/papermap-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    tenantdashMetrics: TenantdashMetrics;
  }
}

export interface TenantdashMetrics {
  /** Everything `/metrics` serves: this app's metrics and the process metrics. */
  readonly registry: Registry;
  /** The Papermap client's `onUpstreamResult`. */
  readonly observeUpstream: (result: UpstreamResult) => void;
  /** A Redis command that failed, by what it was for (fail-open requests pass uncounted: this shows it). */
  readonly countRedisFailure: (use: RedisUse) => void;
}

export const REDIS_USES = ['rate_limit', 'cache'] as const;
export type RedisUse = (typeof REDIS_USES)[number];

export interface MetricsPluginOptions {
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

export const METRICS_PREFIX = 'tenantdash_';

export const TOKEN_OUTCOMES = [
  'issued',
  'rate_limited',
  'unauthenticated',
  'denied',
  'invalid',
  'unavailable',
  'error',
] as const;
export type TokenOutcome = (typeof TOKEN_OUTCOMES)[number];

/** The outcome of a token request, from the status code it was answered with. */
export function tokenOutcome(statusCode: number): TokenOutcome {
  if (statusCode < 300) return 'issued';
  if (statusCode === 429) return 'rate_limited';
  if (statusCode === 401) return 'unauthenticated';
  // A foreign tenant is answered 404 like an unknown one (no probing), so both are "denied".
  if (statusCode === 403 || statusCode === 404) return 'denied';
  if (statusCode === 503) return 'unavailable';
  return statusCode < 500 ? 'invalid' : 'error';
}

/** Seconds; Papermap calls time out after UPSTREAM_TIMEOUT_MS (default 10 s, at most 120 s). */
const UPSTREAM_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

const STATUS_CLASSES = ['', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

interface Slot {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  reported: number;
}

/**
 * A prom-client counter fed from plain numbers. prom-client's `counter.labels(...).inc()` builds and hashes
 * the label set on every call (0.1–0.4 µs measured); here a request only does `slot.count++` on a slot
 * resolved when the route was registered, and the differences are added to the counter at scrape time.
 */
class SlotCounter {
  private readonly slots: Slot[] = [];
  private readonly counter: Counter<string>;

  constructor(registry: Registry, name: string, help: string, labelNames: string[]) {
    const slots = this.slots;
    this.counter = new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const slot of slots) {
          if (slot.count === slot.reported) continue;
          this.inc(slot.labels, slot.count - slot.reported);
          slot.reported = slot.count;
        }
      },
    });
  }

  /** `exposeZero`: the series is shown at 0 from the start, so `increase()` sees its first event. */
  slot(labels: Record<string, string>, exposeZero = false): Slot {
    const slot: Slot = { labels, count: 0, reported: 0 };
    this.slots.push(slot);
    if (exposeZero) this.counter.inc(labels, 0);
    return slot;
  }
}

// Process metrics (CPU, memory, event loop lag, GC) are the process's, not an app's: collected once, into a
// registry of this module's own (not prom-client's global one, which a host app may use), and served by every
// app instance. Collecting them per instance would start another event loop monitor and GC observer each time.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRICS_PREFIX });
  }
  return processRegistry;
}

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

async function metricsPlugin(fastify: FastifyInstance, options: MetricsPluginOptions) {
  const own = new Registry();

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

  const upstreamDuration = new Histogram({
    name: `${METRICS_PREFIX}upstream_request_duration_seconds`,
    help: 'Papermap HTTP requests (each attempt, retries included), by operation and outcome.',
    labelNames: ['operation', 'outcome'],
    buckets: UPSTREAM_BUCKETS,
    registers: [own],
  });
  // The histogram's `_count` has the same numbers, but a histogram series only appears with its first
  // observation, and `increase()` misses an event that creates a series. Error series exist from the start here.
  const upstreamErrors = new Counter({
    name: `${METRICS_PREFIX}upstream_errors_total`,
    help: 'Failed Papermap HTTP requests (each attempt, retries included), by operation and outcome.',
    labelNames: ['operation', 'outcome'],
    registers: [own],
  });
  for (const operation of UPSTREAM_OPERATIONS) {
    for (const outcome of UPSTREAM_OUTCOMES) {
      if (outcome !== 'ok') upstreamErrors.inc({ operation, outcome }, 0);
    }
  }
  const observeUpstream = ({ operation, outcome, seconds }: UpstreamResult): void => {
    upstreamDuration.observe({ operation, outcome }, seconds);
    if (outcome !== 'ok') upstreamErrors.inc({ operation, outcome });
  };

  const redisFailures = new Counter({
    name: `${METRICS_PREFIX}redis_failures_total`,
    help: 'Redis commands that failed (down, hung or refused), by use: rate_limit (503 or uncounted) or cache.',
    labelNames: ['use'],
    registers: [own],
  });
  for (const use of REDIS_USES) redisFailures.inc({ use }, 0);
  const countRedisFailure = (use: RedisUse) => redisFailures.inc({ use });

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

  fastify.decorate('tenantdashMetrics', {
    registry,
    observeUpstream,
    countRedisFailure,
  } satisfies TenantdashMetrics);
}

export default fp(metricsPlugin, {
  name: 'tenantdash-metrics',
  fastify: '5.x',
  dependencies: ['tenantdash-db'],
});
