import { buildEmbedUrl } from '@tenantdash/core';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import {
  mergeSettings,
  useResolvedQueryClient,
  useTenantDashSettings,
  type TenantDashSettings,
} from './context.js';
import { TenantDashboardError, isRetryable, isRevocation, isTenantDashboardError } from './errors.js';
import { fetchEmbedToken, localToken, type EmbedToken } from './fetch-token.js';
import { tokenFreshMs } from './query-options.js';
import { embedTokenQueryKey } from './query-key.js';
import { REFRESH_RETRY_INTERVAL_MS } from './schedule.js';
import { useLatest } from './use-latest.js';

/** Token fetches per failure: the first try and this many retries, with exponential backoff. */
export const MAX_RETRIES = 3;
const RETRY_BASE_DELAY_MS = 1000;
const RETRY_MAX_DELAY_MS = 30 * 1000;
/**
 * How long an unused token stays cached (in memory only) after its last dashboard unmounts, when the host
 * names its user (`userKey`). Without one a token goes with its last dashboard: nothing is kept that the
 * next person on the same tab could be shown.
 */
const TOKEN_CACHE_MS = 60 * 1000;
/** A `Retry-After` longer than this is not waited out in one go. */
const RETRY_AFTER_MAX_MS = 10 * 60 * 1000;

/** Exponential backoff, unless the server said how long to wait (`Retry-After`, e.g. with a 429). */
export const retryDelay = (attempt: number, error?: unknown) => {
  const asked = isTenantDashboardError(error) ? error.retryAfterMs : undefined;
  if (asked !== undefined) return Math.min(asked, RETRY_AFTER_MAX_MS);
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** attempt, RETRY_MAX_DELAY_MS);
};

export interface UseEmbedTokenOptions extends TenantDashSettings {
  /** The tenant whose dashboard to show; the token server checks the signed-in user belongs to it. */
  tenantId: string;
  /** Omit to let the token server pick the tenant's dashboard. */
  dashboardId?: string | undefined;
  /** Adds `debug=true` to a URL built here. */
  debug?: boolean | undefined;
  /** Default true; false keeps the hook idle. */
  enabled?: boolean | undefined;
}

export type EmbedTokenStatus = 'loading' | 'ready' | 'error' | 'expired';

export interface UseEmbedTokenResult {
  status: EmbedTokenStatus;
  /** The newest token that is still valid (kept while a refresh fails). */
  token: EmbedToken | undefined;
  /** The URL to load: the server's `embed_url`, or one built from `workspaceId`. */
  embedUrl: string | undefined;
  /** The last failure, also while an older token is still shown. */
  error: TenantDashboardError | undefined;
  /** A fetch is in flight while a token is already there. */
  isRefreshing: boolean;
  /** Fetch a new token now; by default a fetch in flight is restarted, `{ join: true }` waits for it instead. */
  refresh: (options?: { join?: boolean }) => void;
}

function toError(error: unknown): TenantDashboardError {
  if (isTenantDashboardError(error)) return error;
  return new TenantDashboardError('TOKEN_FETCH_FAILED', 'The token could not be fetched');
}

/** Fetches and keeps refreshing an embed token; for apps that render their own frame. */
export function useEmbedToken(options: UseEmbedTokenOptions): UseEmbedTokenResult {
  const settings = mergeSettings(useTenantDashSettings(), options);
  const { tenantId, dashboardId, debug, enabled = true } = options;
  const { workspaceId, embedBaseUrl, refreshMarginMs } = settings;
  const now = settings.now ?? Date.now;
  const client = useResolvedQueryClient(settings.queryClient);
  const latest = useLatest({ settings, now });

  const query = useQuery<EmbedToken, unknown>(
    {
      queryKey: embedTokenQueryKey(tenantId, dashboardId, settings.tokenUrl, settings.userKey),
      queryFn: () => {
        const { settings: s, now: clock } = latest.current;
        return fetchEmbedToken({ tenantId, dashboardId }, { ...s, now: clock, refreshMarginMs });
      },
      enabled: enabled && tenantId.length > 0,
      // Fresh until its refresh time; visibility and reconnect refetch only a stale token.
      staleTime: (q) =>
        tokenFreshMs(q.state.data, q.state.dataUpdatedAt, latest.current.now, refreshMarginMs),
      // The refresh timer. React Query skips it while the tab is hidden (no polling in the background).
      // A revoked token waits for a person to press retry; a failed refresh is retried while the token lives.
      refetchInterval: (q) => {
        const { data, error: failure } = q.state;
        if (!data || isRevocation(failure)) return false;
        const due =
          localToken(data, latest.current.now, refreshMarginMs).schedule.refreshAtMs - latest.current.now();
        return due > 0 ? due : REFRESH_RETRY_INTERVAL_MS;
      },
      refetchIntervalInBackground: false,
      refetchOnWindowFocus: true,
      refetchOnReconnect: true,
      retry: (count, error) =>
        count < (latest.current.settings.maxRetries ?? MAX_RETRIES) && isRetryable(error),
      retryDelay,
      gcTime: settings.userKey === undefined ? 0 : TOKEN_CACHE_MS,
    },
    client,
  );

  // A token from a server render gets its schedule worked out again on this clock (the same object each time).
  const data = query.data && localToken(query.data, now, refreshMarginMs);
  const expired = data !== undefined && now() >= data.schedule.expiresAtMs;

  // Re-render the moment the token dies, so the state flips to expired even when nothing else happens.
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!data || expired) return;
    const id = setTimeout(tick, data.schedule.expiresAtMs - now());
    return () => clearTimeout(id);
  }, [data, expired, now]);

  const built = useMemo((): { url?: string; error?: TenantDashboardError } => {
    if (!data) return {};
    if (data.embedUrl) return { url: data.embedUrl };
    if (!workspaceId) {
      return {
        error: new TenantDashboardError('CONFIG_INVALID', 'No embed_url and no workspaceId'),
      };
    }
    try {
      return {
        url: buildEmbedUrl({
          token: data.token,
          workspaceId,
          dashboardId: data.dashboardId,
          baseUrl: embedBaseUrl,
          debug: debug ?? false,
        }),
      };
    } catch {
      return { error: new TenantDashboardError('CONFIG_INVALID', 'The embed URL could not be built') };
    }
  }, [data, workspaceId, embedBaseUrl, debug]);

  const refetch = query.refetch;
  // A person pressing retry should not wait out a backoff: restart the attempt (the old one is aborted).
  const refresh = useCallback(
    (options?: { join?: boolean }) => void refetch({ cancelRefetch: !options?.join }),
    [refetch],
  );

  const error =
    built.error ?? (query.error === null || query.error === undefined ? undefined : toError(query.error));
  // The server refused this user the tenant (kill switch, membership gone): the token it holds comes down now.
  const revoked = isRevocation(query.error);
  let status: EmbedTokenStatus;
  if (built.error || revoked) status = 'error';
  // A dead token being replaced shows as loading, unless the last attempt failed: no flicker per retry.
  else if (data) status = !expired ? 'ready' : query.isFetching && !error ? 'loading' : 'expired';
  else status = error ? 'error' : 'loading';

  return {
    status,
    token: status === 'ready' ? data : undefined,
    embedUrl: status === 'ready' ? built.url : undefined,
    error,
    isRefreshing: query.isFetching && data !== undefined,
    refresh,
  };
}
