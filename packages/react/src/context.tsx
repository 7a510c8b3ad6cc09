import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { FetchToken, TokenEndpointOptions } from './fetch-token.js';

/** Settings shared by every dashboard and hook below a TenantDashProvider; props override them. */
export interface TenantDashSettings extends TokenEndpointOptions {
  fetchToken?: FetchToken | undefined;
  /** Refresh this long before expiry (scaled down for short-lived tokens). Default 5 minutes. */
  refreshMarginMs?: number | undefined;
  /** Retries after a failed fetch (401/403 and bad answers are never retried). Default 3. */
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

/** Settings given here and not `undefined` override the parent's and apply to every dashboard inside. */
export function mergeSettings(base: TenantDashSettings, over: TenantDashSettings): TenantDashSettings {
  const merged: Record<string, unknown> = { ...base };
  for (const key of KEYS) if (over[key] !== undefined) merged[key] = over[key];
  return merged as TenantDashSettings;
}

export function TenantDashProvider({ children, ...settings }: TenantDashSettings & { children?: ReactNode }) {
  const parent = useContext(SettingsContext);
  const value = useMemo(() => mergeSettings(parent, settings), [parent, ...KEYS.map((key) => settings[key])]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useTenantDashSettings(): TenantDashSettings {
  return useContext(SettingsContext);
}

let browserClient: QueryClient | undefined;

/**
 * The explicit client, else the app's QueryClientProvider's, else one shared module-level client created on
 * first use in a browser. A server render gets a client of its own so no token is shared across requests.
 */
export function useResolvedQueryClient(explicit: QueryClient | undefined): QueryClient {
  const fromApp = useContext(QueryClientContext);
  const [serverClient] = useState(() =>
    explicit || fromApp || typeof window !== 'undefined' ? undefined : new QueryClient(),
  );
  if (explicit) return explicit;
  if (fromApp) return fromApp;
  if (serverClient) return serverClient;
  if (!browserClient) {
    browserClient = new QueryClient();
    // What QueryClientProvider would do: listen for focus and network changes.
    browserClient.mount();
  }
  return browserClient;
}
