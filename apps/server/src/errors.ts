/** The API's error classes and codes: every error body is `{ statusCode, code, error, message }`. */
import { STATUS_CODES } from 'node:http';

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_URL'
  | 'URL_TOO_LONG'
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_DISABLED'
  | 'DASHBOARD_NOT_FOUND'
  | 'NO_DEFAULT_DASHBOARD'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_PROGRESS'
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_TIMEOUT'
  | 'NOT_READY'
  | 'SHUTTING_DOWN'
  | 'RATE_LIMIT_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Sent as `Retry-After` (seconds) with the error: the failure is expected to pass. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

export function errorBody(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export const unauthenticated = () =>
  new ApiError(401, 'UNAUTHENTICATED', 'A valid bearer token or admin key is required');
export const forbidden = () => new ApiError(403, 'FORBIDDEN', 'This action needs admin rights');
// A foreign tenant and an unknown tenant get exactly this answer, so ids cannot be probed.
export const tenantNotFound = () => new ApiError(404, 'TENANT_NOT_FOUND', 'Tenant not found');
export const dashboardNotFound = () => new ApiError(404, 'DASHBOARD_NOT_FOUND', 'Dashboard not found');
