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

  it('reports an unreachable endpoint as NETWORK_ERROR', async () => {
    server.use(http.post(URL_, () => HttpResponse.error()));
    const error = await failure(
      requestToken({ tenantId: 'org-1', dashboardId: undefined }, { tokenUrl: URL_ }),
    );
    expect(error.code).toBe('NETWORK_ERROR');
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
    ['dead on arrival', { ...good, expires_at: 1_699_999_000 }],
  ])('refuses %s as INVALID_RESPONSE', async (_name, body) => {
    const error = await failure(readToken(body as never, now, undefined));
    expect(error.code).toBe('INVALID_RESPONSE');
    expect(error.message).not.toContain('SECRET');
  });

  it('refuses a body that is not JSON', async () => {
    expect((await failure(readToken(new Response('<html>'), now, undefined))).code).toBe('INVALID_RESPONSE');
  });
});
