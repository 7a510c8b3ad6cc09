import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { delay, http, HttpResponse } from 'msw';
import { useState, type ReactNode } from 'react';
import {
  computeTokenSchedule,
  DEFAULT_TOKEN_URL,
  embedTokenQueryKey,
  type EmbedToken,
} from '../src/index.js';

export interface StandInOptions {
  messages?: boolean;
  rows?: number;
  /** The stand-in page refuses the dashboard with this code, as an embed page does (`tenantdash:error`). */
  refuse?: { code: string; status: number };
}

/** The stand-in dashboard page in `public/`, on whatever origin serves the stories (no network). */
export function standInUrl(
  token: string,
  tenantId: string,
  dashboardId: string,
  options: StandInOptions = {},
) {
  const base = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  const url = new URL('dashboard.html', `${base}/`);
  url.searchParams.set('embedded-token', token);
  url.searchParams.set('tenant-id', tenantId);
  url.searchParams.set('dashboard-id', dashboardId);
  if (options.messages) url.searchParams.set('messages', '1');
  if (options.rows) url.searchParams.set('rows', String(options.rows));
  if (options.refuse) {
    url.searchParams.set('error', options.refuse.code);
    url.searchParams.set('status', String(options.refuse.status));
  }
  return url.toString();
}

let minted = 0;

/** A token endpoint that mints a token living `ttlSeconds`, like apps/server's (`expires_in` included). */
export function tokenEndpoint(
  options: StandInOptions & { ttlSeconds?: number; latencyMs?: number; withoutEmbedUrl?: boolean } = {},
) {
  const { ttlSeconds = 3600, latencyMs = 300 } = options;
  return http.post(`*${DEFAULT_TOKEN_URL}`, async ({ request }) => {
    const body = (await request.json()) as { tenant_id: string; dashboard_id?: string };
    await delay(latencyMs);
    minted += 1;
    const dashboardId = body.dashboard_id ?? `${body.tenant_id}-main`;
    const token = `story-token-${minted}-${body.tenant_id}`;
    return HttpResponse.json(
      {
        token,
        dashboard_id: dashboardId,
        expires_at: Math.floor(Date.now() / 1000) + ttlSeconds,
        expires_in: ttlSeconds,
        ...(options.withoutEmbedUrl
          ? {}
          : { embed_url: standInUrl(token, body.tenant_id, dashboardId, options) }),
      },
      { headers: { 'cache-control': 'no-store' } },
    );
  });
}

export const pendingEndpoint = () =>
  http.post(`*${DEFAULT_TOKEN_URL}`, async () => {
    await delay('infinite');
    return HttpResponse.json({});
  });

/** An error answer shaped like apps/server's: `{ statusCode, code, error, message }`, optional headers. */
export const problemEndpoint = (status: number, code?: string, headers: Record<string, string> = {}) =>
  http.post(`*${DEFAULT_TOKEN_URL}`, () =>
    HttpResponse.json(
      { statusCode: status, code: code ?? `HTTP_${status}`, error: 'Mocked', message: `Mocked ${status}` },
      { status, headers: { 'cache-control': 'no-store', ...headers } },
    ),
  );

/** A 200 whose body is not JSON (a proxy's HTML page, say). */
export const notJsonEndpoint = () =>
  http.post(`*${DEFAULT_TOKEN_URL}`, () => HttpResponse.text('<html>Sign in</html>', { status: 200 }));

export const unreachableEndpoint = () => http.post(`*${DEFAULT_TOKEN_URL}`, () => HttpResponse.error());

/**
 * A token already in the cache, as if fetched `ageSeconds` ago and living `ttlSeconds` in all: lets a story
 * start in the middle of a token's life (refresh due, or already dead).
 */
export function seededToken(
  tenantId: string,
  dashboardId: string,
  ageSeconds: number,
  ttlSeconds: number,
): EmbedToken {
  const receivedAt = Date.now() - ageSeconds * 1000;
  const expiresAt = Math.floor(receivedAt / 1000) + ttlSeconds;
  const token = `seeded-token-${tenantId}`;
  return {
    token,
    dashboardId,
    expiresAt,
    embedUrl: standInUrl(token, tenantId, dashboardId),
    receivedAt,
    schedule: computeTokenSchedule({ expiresAt, receivedAt }),
  };
}

/** Every story gets its own QueryClient, optionally holding a token already. */
export function StoryClient({
  children,
  seed,
}: {
  children: ReactNode;
  seed?: EmbedToken & { tenantId: string };
}) {
  const [client] = useState(() => {
    const c = new QueryClient();
    if (seed)
      c.setQueryData(embedTokenQueryKey(seed.tenantId, seed.dashboardId), seed, {
        updatedAt: seed.receivedAt,
      });
    return c;
  });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
