import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { delay, http, HttpResponse } from 'msw';
import { useState, type ReactNode } from 'react';
import {
  computeTokenSchedule,
  DEFAULT_TOKEN_URL,
  embedTokenQueryKey,
  type EmbedToken,
} from '../src/index.js';

/** The stand-in dashboard page in `public/`, on whatever origin serves the stories (no network). */
export function standInUrl(
  token: string,
  dashboardId: string,
  options: { messages?: boolean; rows?: number } = {},
) {
  const base = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  const url = new URL('dashboard.html', `${base}/`);
  url.searchParams.set('embedded-token', token);
  url.searchParams.set('dashboard-id', dashboardId);
  if (options.messages) url.searchParams.set('messages', '1');
  if (options.rows) url.searchParams.set('rows', String(options.rows));
  return url.toString();
}

let minted = 0;

/** A token endpoint that mints a token living `ttlSeconds`, like apps/server's. */
export function tokenEndpoint(
  options: { ttlSeconds?: number; messages?: boolean; rows?: number; latencyMs?: number } = {},
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
        embed_url: standInUrl(token, dashboardId, options),
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

export const statusEndpoint = (status: number) =>
  http.post(`*${DEFAULT_TOKEN_URL}`, () =>
    HttpResponse.json(
      { error: 'mocked', code: `HTTP_${status}` },
      { status, headers: { 'cache-control': 'no-store' } },
    ),
  );

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
    embedUrl: standInUrl(token, dashboardId),
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
