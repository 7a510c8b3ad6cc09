/**
 * Every failure @tenantdash/react reports is a TenantDashboardError with one of these stable codes, so an
 * app can branch on `error.code` and never has to parse a message. Messages never contain a token.
 */
export type TenantDashboardErrorCode =
  | 'TOKEN_FETCH_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TENANT_DISABLED'
  | 'TENANT_NOT_FOUND'
  | 'DASHBOARD_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'NETWORK_ERROR'
  | 'TOKEN_EXPIRED'
  | 'INVALID_RESPONSE'
  | 'EMBED_ERROR'
  | 'CONFIG_INVALID';

export interface TenantDashboardErrorDetails {
  /** The HTTP status of the token endpoint's answer, when there was one. */
  status?: number | undefined;
  /** The token endpoint's (or the embed page's) own error code, e.g. `TOKEN_EXPIRED`, when it sent one. */
  serverCode?: string | undefined;
  /** How long the server asked us to wait (`Retry-After`), in ms. */
  retryAfterMs?: number | undefined;
}

export class TenantDashboardError extends Error {
  // `declare`: assigned in the constructor, no class-field initialisers emitted.
  declare readonly code: TenantDashboardErrorCode;
  declare readonly status: number | undefined;
  declare readonly serverCode: string | undefined;
  declare readonly retryAfterMs: number | undefined;

  constructor(code: TenantDashboardErrorCode, message: string, details: TenantDashboardErrorDetails = {}) {
    super(message);
    this.name = 'TenantDashboardError';
    this.code = code;
    ({ status: this.status, serverCode: this.serverCode, retryAfterMs: this.retryAfterMs } = details);
  }
}

export function isTenantDashboardError(value: unknown): value is TenantDashboardError {
  return value instanceof TenantDashboardError;
}

/**
 * The token server said no for this user and tenant (401, 403, 404): the dashboard comes down at once, even
 * while an older token would still be valid, so a kill switch or a revoked membership shows immediately.
 */
export function isRevocation(error: unknown): boolean {
  if (!isTenantDashboardError(error)) return false;
  const status = error.status;
  return status === 401 || status === 403 || status === 404;
}

/** 4xx answers and bad answers will not get better by asking again (but 408 and 429 do); servers and networks might. */
export function isRetryable(error: unknown): boolean {
  if (!isTenantDashboardError(error)) return true;
  if (error.code === 'NETWORK_ERROR' || error.code === 'RATE_LIMITED') return true;
  if (error.code !== 'TOKEN_FETCH_FAILED') return false;
  const status = error.status ?? 500;
  return status >= 500 || status === 408;
}
