import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TenantDashboardError } from '../src/errors.js';
import { readToken, requestToken } from '../src/fetch-token.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const URL_ = 'http://app.test/api/v1/dashboards/iframe-token';

async function failure(promise: Promise<unknown>): Promise<TenantDashboardError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TenantDashboardError);
    return error as TenantDashboardError;
  }
  throw new Error('expected a failure');
}

describe('requestToken', () => {
  it('POSTs tenant and dashboard as JSON with the caller headers and credentials', async () => {
    let seen: { body: unknown; auth: string | null; type: string | null; method: string } | undefined;
    server.use(
      http.post(URL_, async ({ request }) => {
        seen = {
          body: await request.json(),
          auth: request.headers.get('authorization'),
          type: request.headers.get('content-type'),
          method: request.method,
        };
        return HttpResponse.json({ ok: true });
      }),
    );
    const res = await requestToken(
      { tenantId: 'org-1', dashboardId: 'dash-2' },
      { tokenUrl: URL_, getHeaders: async () => ({ authorization: 'Bearer abc' }), credentials: 'include' },
    );
    expect(res.status).toBe(200);
    expect(seen).toEqual({
      body: { tenant_id: 'org-1', dashboard_id: 'dash-2' },
      auth: 'Bearer abc',
      type: 'application/json',
      method: 'POST',
    });
  });

  it('leaves dashboard_id out when none is given', async () => {
    let body: unknown;
    server.use(
      http.post(URL_, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({});
      }),
    );
    await requestToken({ tenantId: 'org-1', dashboardId: undefined }, { tokenUrl: URL_ });
    expect(body).toEqual({ tenant_id: 'org-1' });
  });

  it('reports an unreachable endpoint on another origin as NETWORK_ERROR that names CORS', async () => {
    server.use(http.post(URL_, () => HttpResponse.error()));
    const error = await failure(
      requestToken({ tenantId: 'org-1', dashboardId: undefined }, { tokenUrl: URL_ }),
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe(
      'The token endpoint is unreachable or not allowed by CORS (check CORS_ORIGINS)',
    );
  });

  it('reports an unreachable same-origin endpoint as a connection problem', async () => {
    const sameOrigin = `${location.origin}/api/v1/dashboards/iframe-token`;
    server.use(http.post(sameOrigin, () => HttpResponse.error()));
    const error = await failure(
      requestToken(
        { tenantId: 'org-1', dashboardId: undefined },
        { tokenUrl: '/api/v1/dashboards/iframe-token' },
      ),
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe('The token endpoint could not be reached');
  });
});

describe('readToken', () => {
  const now = () => 1_700_000_000_000;
  const good = { token: 'SECRET-TOKEN', dashboard_id: 'dash-1', expires_at: 1_700_003_600 };

  it('maps statuses to stable codes', async () => {
    const codes = await Promise.all(
      [401, 403, 500, 404].map(
        async (status) => (await failure(readToken(new Response('{}', { status }), now, undefined))).code,
      ),
    );
    expect(codes).toEqual(['UNAUTHORIZED', 'FORBIDDEN', 'TOKEN_FETCH_FAILED', 'TOKEN_FETCH_FAILED']);
  });

  it.each([
    [403, 'TENANT_DISABLED', 'TENANT_DISABLED'],
    [404, 'TENANT_NOT_FOUND', 'TENANT_NOT_FOUND'],
    [404, 'DASHBOARD_NOT_FOUND', 'DASHBOARD_NOT_FOUND'],
    [404, 'NO_DEFAULT_DASHBOARD', 'DASHBOARD_NOT_FOUND'],
    [403, 'FORBIDDEN', 'FORBIDDEN'],
    [401, 'UNAUTHENTICATED', 'UNAUTHORIZED'],
    [503, 'TENANT_DISABLED', 'TOKEN_FETCH_FAILED'],
  ])('reads the server code of a %i %s as %s', async (status, serverCode, code) => {
    const body = JSON.stringify({ statusCode: status, code: serverCode, message: 'x' });
    const error = await failure(readToken(new Response(body, { status }), now, undefined));
    expect([error.code, error.status, error.serverCode]).toEqual([code, status, serverCode]);
  });

  it('keeps only a plain code from the server body, never free text', async () => {
    const body = JSON.stringify({ code: 'SECRET-TOKEN <script>' });
    const error = await failure(readToken(new Response(body, { status: 403 }), now, undefined));
    expect([error.code, error.serverCode]).toEqual(['FORBIDDEN', undefined]);
    expect(error.message).toBe('The token endpoint answered 403');
  });

  it('reads a 429 as RATE_LIMITED with its Retry-After in seconds (a date form counts as absent)', async () => {
    const seconds = await failure(
      readToken(new Response('{}', { status: 429, headers: { 'retry-after': '42' } }), now, undefined),
    );
    expect([seconds.code, seconds.retryAfterMs]).toEqual(['RATE_LIMITED', 42_000]);
    const date = new Date(now() + 90_000).toUTCString();
    const dated = await failure(
      readToken(new Response('{}', { status: 429, headers: { 'retry-after': date } }), now, undefined),
    );
    expect([dated.code, dated.retryAfterMs]).toEqual(['RATE_LIMITED', undefined]);
  });

  it.each([
    ['15 min ahead', 15 * 60_000],
    ['2 h behind', -2 * 3_600_000],
  ])('schedules from expires_in when the local clock is %s and no Date is readable', async (_name, skew) => {
    const local = () => now() + skew;
    const answer = { ...good, expires_at: now() / 1000 + 600, expires_in: 600 };
    const token = await readToken(answer, local, undefined, local() - 50);
    expect(token.schedule.source).toBe('expires_in');
    expect(token.schedule.expiresAtMs).toBe(local() - 50 + 600_000);
    // A quarter of what is left on arrival (600 s less the 50 ms the request took).
    expect(token.schedule.refreshAtMs).toBe(local() - 50 + 600_000 - (600_000 - 50) / 4);
  });

  it('accepts a token the local clock alone calls expired (a clock running ahead)', async () => {
    const token = await readToken({ ...good, expires_at: 1_699_999_000 }, now, undefined);
    expect(token.schedule.source).toBe('assumed');
    expect(token.schedule.expiresAtMs).toBeGreaterThan(now());
  });

  it('reads the Date header for skew and keeps embed_url', async () => {
    const res = new Response(
      JSON.stringify({ ...good, token: 'tok', embed_url: 'https://e.test/x?embedded-token=tok' }),
      {
        headers: { date: new Date(now() - 120_000).toUTCString() },
      },
    );
    const token = await readToken(res, now, undefined);
    expect(token).toMatchObject({
      token: 'tok',
      dashboardId: 'dash-1',
      expiresAt: 1_700_003_600,
      receivedAt: now(),
    });
    expect(token.embedUrl).toBe('https://e.test/x?embedded-token=tok');
    expect(token.schedule.skewMs).toBe(120_000);
  });

  it('accepts a plain JSON answer from a fetchToken callback', async () => {
    const token = await readToken(good, now, undefined);
    expect(token.schedule.skewMs).toBe(0);
    expect(token.embedUrl).toBeUndefined();
  });

  it.each([
    ['no token', { ...good, token: '' }],
    ['string expiry', { ...good, expires_at: '1700003600' }],
    ['no dashboard', { ...good, dashboard_id: undefined }],
    ['script url', { ...good, embed_url: 'javascript:alert(1)' }],
    ['dead by expires_in', { ...good, expires_in: 0 }],
    ['fractional expires_in', { ...good, expires_in: 1.5 }],
    ['string expires_in', { ...good, expires_in: '600' }],
  ])('refuses %s as INVALID_RESPONSE', async (_name, body) => {
    const error = await failure(readToken(body as never, now, undefined));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).not.toContain('SECRET');
  });

  it('refuses a token the server clock (its Date header) says is dead on arrival', async () => {
    const res = new Response(JSON.stringify({ ...good, expires_at: 1_699_999_000 }), {
      headers: { date: new Date(now()).toUTCString() },
    });
    expect((await failure(readToken(res, now, undefined))).code).toBe('INVALID_RESPONSE');
  });

  it('refuses a body that is not JSON', async () => {
    expect((await failure(readToken(new Response('<html>'), now, undefined))).code).toBe('INVALID_RESPONSE');
  });
});
