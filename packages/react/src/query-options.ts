import { queryOptions } from '@tanstack/react-query';
import { fetchEmbedToken, localToken, type EmbedToken, type TokenFetchSettings } from './fetch-token.js';
import { embedTokenQueryKey } from './query-key.js';

export interface EmbedTokenQueryInput extends TokenFetchSettings {
  tenantId: string;
  /** Omit to let the token server pick the tenant's dashboard. */
  dashboardId?: string | undefined;
  /** The signed-in user, as the component is given it: the cache key must match for the token to be used. */
  userKey?: string | undefined;
}

/**
 * How long React Query may serve a token without asking again: until its refresh is due on the local clock,
 * in React Query's own terms (`dataUpdatedAt + staleTime` against `Date.now()`), so a token that came from a
 * server render with another clock's `dataUpdatedAt` is judged by its local schedule all the same.
 */
export function tokenFreshMs(
  data: EmbedToken | undefined,
  dataUpdatedAt: number,
  now: () => number,
  marginMs: number | undefined,
): number {
  if (!data) return 0;
  const due = localToken(data, now, marginMs).schedule.refreshAtMs - now();
  // Negative when `dataUpdatedAt` is ahead of this clock: React Query still finds `due` from now, as meant.
  return due + Date.now() - dataUpdatedAt;
}

/**
 * The query a dashboard reads its token from, for `queryClient.prefetchQuery` / `ensureQueryData` on a server
 * (a Server Component, a loader) or anywhere else: hydrate the client with it and the first render already has
 * the iframe, with no token request from the browser before the dashboard starts loading. Pass the same
 * `tenantId`, `dashboardId`, `tokenUrl` and `userKey` as the component gets, and a `fetchToken` (or
 * `tokenUrl` + `getHeaders`) that asks the token server on behalf of the signed-in user.
 */
export function embedTokenQueryOptions(input: EmbedTokenQueryInput) {
  const { tenantId, dashboardId, userKey, ...settings } = input;
  const now = settings.now ?? Date.now;
  return queryOptions({
    queryKey: embedTokenQueryKey(tenantId, dashboardId, settings.tokenUrl, userKey),
    queryFn: () => fetchEmbedToken({ tenantId, dashboardId }, settings),
    staleTime: (query) =>
      tokenFreshMs(query.state.data, query.state.dataUpdatedAt, now, settings.refreshMarginMs),
  });
}
