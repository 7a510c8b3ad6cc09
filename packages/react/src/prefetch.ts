// @tenantdash/react/prefetch: what a server needs to fetch a dashboard's token ahead of the browser. No React
// component or hook and no 'use client', so a Server Component or a loader can call it.
export { embedTokenQueryOptions } from './query-options.js';
export type { EmbedTokenQueryInput } from './query-options.js';
export { embedTokenQueryKey } from './query-key.js';
export { DEFAULT_TOKEN_URL } from './fetch-token.js';
export type {
  EmbedToken,
  EmbedTokenResponse,
  FetchToken,
  FetchTokenRequest,
  TokenEndpointOptions,
  TokenFetchSettings,
} from './fetch-token.js';
