/**
 * Prometheus metrics: the registry of this app's metrics and what the rest of the app reports into it
 * (`fastify.telemetry`: Papermap calls, Redis failures). Registered whether metrics are on or not, so its
 * users declare it as a dependency instead of probing for it; when they are off, `telemetry` records
 * nothing and there is no `fastify.tenantdashMetrics`. `GET /metrics` and the per-route request counters are
 * the `tenantdash-metrics-route` plugin (plugins/metrics-route.ts).
 *
 * Labels never hold tenant ids, user ids or raw URLs: routes are labelled with their URL pattern, so the
 * number of series is fixed by the code, not by the traffic. Counters on the request path are plain numbers
 * handed to prom-client when Prometheus scrapes (see `SlotCounter`): the token endpoint's CPU per request is
 * measured by the token bench (README, "Benchmark").
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { UPSTREAM_OPERATIONS, UPSTREAM_OUTCOMES, type UpstreamResult } from '../services/papermap-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the app reports; records nothing when metrics are off. */
    telemetry: Telemetry;
    /** Only when metrics are on. */
    tenantdashMetrics: TenantDashMetrics;
  }
}

export interface Telemetry {
  /** The Papermap client's `onUpstreamResult`. */
  readonly observeUpstream: (result: UpstreamResult) => void;
  /** A Redis command that failed, by what it was for (fail-open requests pass uncounted: this shows it). */
  readonly countRedisFailure: (use: RedisUse) => void;
}

export interface TenantDashMetrics extends Telemetry {
  /** This app's metrics (`/metrics` serves them with the process metrics). */
  readonly registry: Registry;
}

const NO_TELEMETRY: Telemetry = { observeUpstream: () => {}, countRedisFailure: () => {} };

const REDIS_USES = ['rate_limit', 'cache'] as const;
export type RedisUse = (typeof REDIS_USES)[number];

export interface MetricsPluginOptions {
  enabled: boolean;
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

export interface Slot {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  reported: number;
}

/**
 * A prom-client counter fed from plain numbers. prom-client's `counter.labels(...).inc()` builds and hashes
 * the label set on every call, on every request; here a request only does `slot.count++` on a slot resolved
 * when the route was registered, and the differences are added to the counter at scrape time.
 */
export class SlotCounter {
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
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRICS_PREFIX });
  }
  return processRegistry;
}

async function metricsPlugin(fastify: FastifyInstance, options: MetricsPluginOptions) {
  if (!options.enabled) {
    fastify.decorate('telemetry', NO_TELEMETRY);
    return;
  }
  const own = new Registry();

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

  const metrics: TenantDashMetrics = { registry: own, observeUpstream, countRedisFailure };
  fastify.decorate('telemetry', metrics);
  fastify.decorate('tenantdashMetrics', metrics);
}

export default fp(metricsPlugin, { name: 'tenantdash-metrics', fastify: '5.x' });
