/**
 * Every failure @tenantdash/react reports is a TenantDashboardError with one of these stable codes, so an
 * app can branch on `error.code` and never has to parse a message. Messages never contain a token.
 */
export type TenantDashboardErrorCode =
  | 'TOKEN_FETCH_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NETWORK_ERROR'
  | 'TOKEN_EXPIRED'
  | 'INVALID_RESPONSE'
  | 'CONFIG_INVALID';

export class TenantDashboardError extends Error {
  readonly code: TenantDashboardErrorCode;
  /** The HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;

  constructor(code: TenantDashboardErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'TenantDashboardError';
    this.code = code;
    this.status = status;
  }
}

export function isTenantDashboardError(value: unknown): value is TenantDashboardError {
  return value instanceof TenantDashboardError;
}

/** 401/403 and bad answers will not get better by asking again; servers and networks might. */
export function isRetryable(error: unknown): boolean {
  if (!isTenantDashboardError(error)) return true;
  if (error.code === 'NETWORK_ERROR') return true;
  if (error.code !== 'TOKEN_FETCH_FAILED') return false;
  const status = error.status ?? 500;
  return status >= 500 || status === 408 || status === 429;
}
