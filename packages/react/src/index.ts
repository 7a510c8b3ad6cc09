// @tenantdash/react: every public name is exported here, on purpose.
export {
  TenantDashboard,
  DEFAULT_REFERRER_POLICY,
  DEFAULT_SANDBOX,
  DEFAULT_TITLE,
} from './TenantDashboard.js';
export type { TenantDashboardProps, TenantDashboardState } from './TenantDashboard.js';

export { useEmbedToken, MAX_RETRIES, retryDelay } from './use-embed-token.js';
export { embedTokenQueryKey } from './query-key.js';
export { embedTokenQueryOptions } from './query-options.js';
export type { EmbedTokenQueryInput } from './query-options.js';
export type { EmbedTokenStatus, UseEmbedTokenOptions, UseEmbedTokenResult } from './use-embed-token.js';

export { TenantDashProvider, clearEmbedTokens } from './context.js';
export type { TenantDashSettings } from './context.js';

export { DEFAULT_TOKEN_URL } from './fetch-token.js';
export type {
  EmbedToken,
  EmbedTokenResponse,
  FetchToken,
  FetchTokenRequest,
  TokenEndpointOptions,
  TokenFetchSettings,
} from './fetch-token.js';

export { computeTokenSchedule, DEFAULT_REFRESH_MARGIN_MS, SRC_SWAP_LEAD_MS } from './schedule.js';
export type { ExpirySource, ScheduleInput, TokenSchedule } from './schedule.js';

export { TenantDashboardError, isTenantDashboardError } from './errors.js';
export type { TenantDashboardErrorCode, TenantDashboardErrorDetails } from './errors.js';

export { DEFAULT_ERROR_MESSAGE, DEFAULT_ERROR_MESSAGES } from './slots.js';
export type { ErrorSlotProps, ExpiredSlotProps } from './slots.js';
