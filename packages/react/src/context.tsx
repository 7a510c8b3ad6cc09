import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { FetchToken, TokenEndpointOptions } from './fetch-token.js';
import { EMBED_TOKEN_QUERY_SCOPE } from './query-key.js';

/** Settings shared by every dashboard and hook below a TenantDashProvider; props override them. */
export interface TenantDashSettings extends TokenEndpointOptions {
  /**
   * Who is signed in (a user or session id; not a secret). Tokens are cached per user, and when it changes
   * the previous user's tokens are dropped. Without it a token lives only as long as its dashboards.
   */
  userKey?: string | undefined;
  /** Your own way to get a token instead of the token endpoint: return the `Response` or its parsed JSON. */
  fetchToken?: FetchToken | undefined;
  /** Refresh this long before expiry (scaled down for short-lived tokens). Default 5 minutes. */
  refreshMarginMs?: number | undefined;
  /** Retries after a failed fetch (4xx answers but 408 and 429, and bad answers, are never retried). Default 3. */
  maxRetries?: number | undefined;
  /** Papermap workspace: needed only when the token server's answer has no `embed_url`. */
  workspaceId?: string | undefined;
  /** The embed page, when `embed_url` must be built here. Default Papermap's. */
  embedBaseUrl?: string | undefined;
  /** Local clock (ms). Injected by tests; default `Date.now`. */
  now?: (() => number) | undefined;
  /** Use this QueryClient instead of the app's (or the built-in one). */
  queryClient?: QueryClient | undefined;
}

const SettingsContext = createContext<TenantDashSettings>({});

const KEYS = [
  'userKey',
  'tokenUrl',
  'getHeaders',
  'credentials',
  'fetchToken',
  'refreshMarginMs',
  'maxRetries',
  'workspaceId',
  'embedBaseUrl',
  'now',
  'queryClient',
] as const satisfies readonly (keyof TenantDashSettings)[];

/**
 * Settings given here and not `undefined` override the parent's and apply to every dashboard inside. A
 * component's other props come along too; only the settings are ever read from the result.
 */
export function mergeSettings(base: TenantDashSettings, over: TenantDashSettings): TenantDashSettings {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) if (value !== undefined) merged[key] = value;
  return merged as TenantDashSettings;
}

export function TenantDashProvider({ children, ...settings }: TenantDashSettings & { children?: ReactNode }) {
  const parent = useContext(SettingsContext);
  const value = useMemo(() => mergeSettings(parent, settings), [parent, ...KEYS.map((key) => settings[key])]);
  const client = useResolvedQueryClient(value.queryClient);
  // Another person signed in on this tab: what the previous one was given goes at once, not at gc time.
  const previousUser = useRef(value.userKey);
  useEffect(() => {
    const previous = previousUser.current;
    previousUser.current = value.userKey;
    if (previous !== undefined && previous !== value.userKey) dropTokens(client, [previous]);
  }, [client, value.userKey]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useTenantDashSettings(): TenantDashSettings {
  return useContext(SettingsContext);
}

let browserClient: QueryClient | undefined;
// Every client a dashboard used in this tab, so `clearEmbedTokens()` finds them all (never on a server, where
// clients are per request). An app has one or two, for the life of the tab.
const browserClients = new Set<QueryClient>();

function remember(client: QueryClient): QueryClient {
  if (typeof window !== 'undefined') browserClients.add(client);
  return client;
}

function dropTokens(client: QueryClient, userKeys?: readonly string[]): void {
  const filters = userKeys
    ? userKeys.map((userKey) => ({ queryKey: [...EMBED_TOKEN_QUERY_SCOPE, userKey] }))
    : [{ queryKey: [...EMBED_TOKEN_QUERY_SCOPE] }];
  for (const filter of filters) {
    // Cancelled first, so an answer still on its way for the previous user is thrown away, not stored.
    void client.cancelQueries(filter);
    client.removeQueries(filter);
  }
}

/**
 * Drops every embed token tenantdash holds in this tab (call it on sign-out): from `queryClient` if given,
 * else from every QueryClient a dashboard has used. Dashboards still on screen fetch anew.
 */
export function clearEmbedTokens(queryClient?: QueryClient): void {
  for (const client of queryClient ? [queryClient] : browserClients) dropTokens(client);
}

/**
 * The explicit client, else the app's QueryClientProvider's, else one shared module-level client created on
 * first use in a browser. A server render gets a client of its own so no token is shared across requests.
 */
export function useResolvedQueryClient(explicit: QueryClient | undefined): QueryClient {
  const fromApp = useContext(QueryClientContext);
  const [serverClient] = useState(() =>
    explicit || fromApp || typeof window !== 'undefined' ? undefined : new QueryClient(),
  );
  if (explicit) return remember(explicit);
  if (fromApp) return remember(fromApp);
  if (serverClient) return serverClient;
  if (!browserClient) {
    browserClient = new QueryClient();
    // What QueryClientProvider would do: listen for focus and network changes.
    browserClient.mount();
  }
  return remember(browserClient);
}
