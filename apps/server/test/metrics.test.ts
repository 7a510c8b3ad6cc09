/** GET /metrics: exact counter values after known requests, upstream outcomes under faults, access control. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SettingError } from '../src/config.js';
import { tokenOutcome } from '../src/plugins/metrics.js';
import {
  ADMIN_KEY,
  adminKey,
  bearer,
  buildTestServer,
  jwt,
  provisionTenant,
  requestEmbedToken,
  testEnv,
  useSandbox,
  type TestServer,
} from './helper.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefgh';
const TOKEN_ROUTE = '/api/v1/dashboards/iframe-token';

interface Exposition {
  /** `# TYPE` per metric family. */
  types: Map<string, string>;
  /** Sample value by `name{label="value",…}`, labels sorted by name. */
  samples: Map<string, number>;
}

const sampleKey = (name: string, labels: Record<string, string> = {}) => {
  const parts = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
};

/** A strict reader of the Prometheus text format (0.0.4): every line must parse. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `duplicate TYPE for ${type[1]}`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(sample, `unparsable line: ${line}`).not.toBeNull();
    const [, name, labelText, valueText] = sample!;
    const labels: Record<string, string> = {};
    for (const pair of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) {
      labels[pair[1]!] = JSON.parse(`"${pair[2]!}"`) as string;
    }
    // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
    const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
    const value = special[valueText!.toLowerCase()] ?? Number(valueText);
    expect(Number.isNaN(value) && valueText!.toLowerCase() !== 'nan', `bad value in: ${line}`).toBe(false);
    const key = sampleKey(name!, labels);
    expect(samples.has(key), `duplicate sample ${key}`).toBe(false);
    samples.set(key, value);
  }
  return { types, samples };
}

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Exposition> {
  const response = await server.app.inject({ url: '/metrics', headers });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(response.body);
}

/** The samples of one metric family (name, or name_bucket/_sum/_count for a histogram) as `labels → value`. */
function family(exposition: Exposition, name: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [key, value] of exposition.samples) {
    if (key === name || key.startsWith(`${name}{`)) found[key.slice(name.length)] = value;
  }
  return found;
}

const upstream = useSandbox();

/** A token request with the caller's own headers (none, or another tenant's user). */
async function requestToken(server: TestServer, headers: Record<string, string>, tenantId: string) {
  const response = await server.app.inject({
    method: 'POST',
    url: TOKEN_ROUTE,
    headers,
    payload: { tenant_id: tenantId },
  });
  return response.statusCode;
}

describe('counters', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await buildTestServer(upstream.sandbox.url, { RATE_LIMIT_TOKEN_MAX: '2' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts token outcomes, rate limits, requests and upstream calls exactly', async () => {
    const before = await scrape(server);
    // Every outcome is there at 0 before the first token request.
    expect(family(before, 'tenantdash_embed_tokens_total')).toEqual({
      '{outcome="issued"}': 0,
      '{outcome="rate_limited"}': 0,
      '{outcome="unauthenticated"}': 0,
      '{outcome="denied"}': 0,
      '{outcome="invalid"}': 0,
      '{outcome="unavailable"}': 0,
      '{outcome="error"}': 0,
    });

    await provisionTenant(server.app, 'acme');
    const mallory = bearer(await jwt({ sub: 'mallory', tenants: ['other'] }));
    expect((await requestEmbedToken(server.app, 'acme', 'alice')).statusCode).toBe(200);
    expect((await requestEmbedToken(server.app, 'acme', 'alice')).statusCode).toBe(200);
    expect((await requestEmbedToken(server.app, 'acme', 'alice')).statusCode).toBe(429);
    expect(await requestToken(server, {}, 'acme')).toBe(401);
    expect(await requestToken(server, mallory, 'acme')).toBe(404);

    const after = await scrape(server);
    expect(after.types.get('tenantdash_embed_tokens_total')).toBe('counter');
    expect(family(after, 'tenantdash_embed_tokens_total')).toEqual({
      '{outcome="issued"}': 2,
      '{outcome="rate_limited"}': 1,
      '{outcome="unauthenticated"}': 1,
      '{outcome="denied"}': 1,
      '{outcome="invalid"}': 0,
      '{outcome="unavailable"}': 0,
      '{outcome="error"}': 0,
    });
    expect(family(after, 'tenantdash_rate_limited_total')).toEqual({ [`{route="${TOKEN_ROUTE}"}`]: 1 });
    // The first scrape counts itself once it is answered: it shows in the second.
    expect(family(after, 'tenantdash_http_requests_total')).toEqual({
      '{method="GET",route="/metrics",status_class="2xx"}': 1,
      '{method="POST",route="/api/v1/dashboards",status_class="2xx"}': 1,
      [`{method="POST",route="${TOKEN_ROUTE}",status_class="2xx"}`]: 2,
      [`{method="POST",route="${TOKEN_ROUTE}",status_class="4xx"}`]: 3,
    });
    expect(after.types.get('tenantdash_upstream_request_duration_seconds')).toBe('histogram');
    expect(family(after, 'tenantdash_upstream_request_duration_seconds_count')).toEqual({
      '{operation="create_dashboard",outcome="ok"}': 1,
    });
    expect(after.samples.get('tenantdash_audit_pending_rows')).toBe(0);
    // Process metrics, prefixed.
    expect(after.types.get('tenantdash_process_cpu_seconds_total')).toBe('counter');
    expect(after.samples.get('tenantdash_process_start_time_seconds')).toBeGreaterThan(0);

    // No tenant or user id in any label.
    for (const key of after.samples.keys()) expect(key).not.toMatch(/acme|alice|mallory|other/);
  });

  it('is not rate limited, and is listed in the OpenAPI document as a text/plain operations route', async () => {
    const limited = await buildTestServer(upstream.sandbox.url, { RATE_LIMIT_GLOBAL_MAX: '1' });
    try {
      for (let i = 0; i < 3; i++) await scrape(limited);
      const docs = await limited.app.inject({ url: '/docs/json' });
      expect(docs.statusCode).toBe(200);
      const operation = (docs.json() as { paths: Record<string, { get: Record<string, unknown> }> }).paths[
        '/metrics'
      ]?.get;
      expect(operation).toMatchObject({ tags: ['operations'], security: [] });
      expect(Object.keys((operation?.responses as { 200: { content: object } })[200].content)).toEqual([
        'text/plain',
      ]);
    } finally {
      await limited.close();
    }
  });

  it('keeps two app instances in one process apart', async () => {
    const other = await buildTestServer(upstream.sandbox.url);
    try {
      const mine = family(await scrape(server), 'tenantdash_embed_tokens_total');
      const theirs = family(await scrape(other), 'tenantdash_embed_tokens_total');
      expect(mine['{outcome="issued"}']).toBe(2);
      expect(theirs['{outcome="issued"}']).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('upstream outcomes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await buildTestServer(upstream.sandbox.url, {
      // Long enough for a create on a loaded machine, short enough to wait out once below.
      UPSTREAM_TIMEOUT_MS: '1000',
      UPSTREAM_RETRIES: '2',
      USAGE_CACHE_TTL_MS: '0',
    });
  });
  afterAll(async () => {
    await upstream.sandbox.clearFault();
    await server?.close();
  });

  it('records each attempt with its outcome: ok, http_5xx, timeout', async () => {
    await provisionTenant(server.app, 'u1');
    // A 500 on create is not retried (Papermap may have done the work): one attempt, answered 502.
    await upstream.sandbox.setFault({ mode: 'error', status: 500, remaining: 1 });
    const failed = await server.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: adminKey,
      payload: { tenant_id: 'u2', name: 'Revenue' },
    });
    expect(failed.statusCode).toBe(502);
    // A usage read that times out is retried; the second attempt succeeds.
    await upstream.sandbox.setFault({ mode: 'slow', delay_ms: 3000, remaining: 1 });
    const usage = await server.app.inject({ url: '/api/v1/usage', headers: adminKey });
    expect(usage.statusCode).toBe(200);

    const exposition = await scrape(server);
    expect(family(exposition, 'tenantdash_upstream_request_duration_seconds_count')).toEqual({
      '{operation="create_dashboard",outcome="ok"}': 1,
      '{operation="create_dashboard",outcome="http_5xx"}': 1,
      '{operation="tenant_usage",outcome="timeout"}': 1,
      '{operation="tenant_usage",outcome="ok"}': 1,
    });
    // The timed-out attempt took at least the timeout; it lands in no bucket below 0.1 s.
    const buckets = family(exposition, 'tenantdash_upstream_request_duration_seconds_bucket');
    expect(buckets['{le="0.1",operation="tenant_usage",outcome="timeout"}']).toBe(0);
    expect(buckets['{le="+Inf",operation="tenant_usage",outcome="timeout"}']).toBe(1);
    expect(
      exposition.samples.get(
        'tenantdash_upstream_request_duration_seconds_sum{operation="tenant_usage",outcome="timeout"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    const errors = family(exposition, 'tenantdash_upstream_errors_total');
    expect(Object.keys(errors)).toHaveLength(10);
    expect(Object.entries(errors).filter(([, value]) => value !== 0)).toEqual([
      ['{operation="create_dashboard",outcome="http_5xx"}', 1],
      ['{operation="tenant_usage",outcome="timeout"}', 1],
    ]);
  });
});

describe('access', () => {
  it('asks for the bearer token when METRICS_TOKEN is set, compared exactly', async () => {
    const server = await buildTestServer(upstream.sandbox.url, { METRICS_TOKEN });
    try {
      for (const authorization of [
        undefined,
        'Bearer wrong-token-0123456789-abcdefghi',
        `Bearer ${METRICS_TOKEN}x`,
        `Basic ${METRICS_TOKEN}`,
        METRICS_TOKEN,
        `Bearer ${ADMIN_KEY}`,
      ]) {
        const response = await server.app.inject({
          url: '/metrics',
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toEqual({
          statusCode: 401,
          code: 'UNAUTHENTICATED',
          error: 'Unauthorized',
          message: 'A valid metrics token is required',
        });
      }
      const exposition = await scrape(server, { authorization: `Bearer ${METRICS_TOKEN}` });
      // Refused scrapes are requests on the route too; nothing about them is secret.
      expect(
        exposition.samples.get(
          'tenantdash_http_requests_total{method="GET",route="/metrics",status_class="4xx"}',
        ),
      ).toBe(6);
      expect(server.logs.join('\n')).not.toContain(METRICS_TOKEN);
    } finally {
      await server.close();
    }
  });

  it('METRICS_ENABLED=false: no /metrics route', async () => {
    const server = await buildTestServer(upstream.sandbox.url, { METRICS_ENABLED: 'false' });
    try {
      const response = await server.app.inject({ url: '/metrics' });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('ROUTE_NOT_FOUND');
      expect(server.app.hasDecorator('tenantdashMetrics')).toBe(false);
    } finally {
      await server.close();
    }
  });
});

it('maps every status of the token endpoint to one outcome', () => {
  const statuses = [200, 400, 401, 403, 404, 413, 415, 429, 500, 502, 503, 504];
  expect(Object.fromEntries(statuses.map((status) => [status, tokenOutcome(status)]))).toEqual({
    200: 'issued',
    400: 'invalid',
    401: 'unauthenticated',
    403: 'denied',
    404: 'denied',
    413: 'invalid',
    415: 'invalid',
    429: 'rate_limited',
    500: 'error',
    502: 'error',
    503: 'unavailable',
    504: 'error',
  });
});

describe('settings', () => {
  const env = (overrides: Record<string, string | undefined>) => testEnv('http://127.0.0.1:9', overrides);

  it('defaults to enabled without a token', () => {
    expect(loadConfig(env({})).metrics).toEqual({ enabled: true });
    expect(loadConfig(env({ METRICS_ENABLED: '0', METRICS_TOKEN: METRICS_TOKEN })).metrics).toEqual({
      enabled: false,
      token: METRICS_TOKEN,
    });
  });

  it.each([
    ['METRICS_TOKEN', 'short-token-23-chars-xx', 'METRICS_TOKEN must be at least 24 characters long'],
    ['METRICS_TOKEN', 'metrics token 0123456789 abc', 'METRICS_TOKEN must not contain whitespace'],
    ['METRICS_ENABLED', 'yes', 'METRICS_ENABLED must be true or false'],
  ])('%s=%s is refused', (variable, value, message) => {
    let error: unknown;
    try {
      loadConfig(env({ [variable]: value }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).variable).toBe(variable);
    expect((error as SettingError).message).toBe(message);
    expect((error as SettingError).message).not.toContain(value);
  });
});
