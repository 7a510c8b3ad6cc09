/**
 * Every error the API answers: its code, HTTP status and message live here and nowhere else, so the OpenAPI
 * document, the README's table and the answers cannot drift apart. Every error body is
 * `{ statusCode, code, error, message }`; a message never holds an input value, a secret or a token.
 */
import { STATUS_CODES } from 'node:http';
import { HttpError, type HttpErrorEntry } from '@tenantdash/core';

/** A row of the table (status, message, `Retry-After`: the shape the sandbox's table has too), plus when. */
interface CatalogueEntry extends HttpErrorEntry {
  /** When it is answered: the OpenAPI document and README say this. */
  when: string;
}

const DATABASE_RETRY_AFTER_SECONDS = 2;
const RATE_LIMIT_RETRY_AFTER_SECONDS = 2;

export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is malformed', when: 'a malformed request' },
  BAD_URL: { status: 400, message: 'The URL is malformed', when: 'a URL that cannot be parsed' },
  VALIDATION_FAILED: {
    status: 400,
    message: 'body/tenant_id must match pattern "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"',
    when: 'a field, parameter or query value breaks the schema; the message names the field and the rule, never the value',
  },
  INVALID_JSON: {
    status: 400,
    message: 'The request body is not valid JSON',
    when: 'a body that is not JSON, or that sets `__proto__` / `constructor.prototype`',
  },
  INVALID_CURSOR: {
    status: 400,
    message: 'The cursor is not one this server issued',
    when: 'a `cursor` that is not the `next_cursor` of an earlier answer',
  },
  INVALID_TIME_RANGE: {
    status: 400,
    message: 'from must be before to',
    when: 'a time range whose `from` is not before its `to`',
  },
  WORKSPACE_UNKNOWN: {
    status: 400,
    message: 'No such workspace is configured',
    when: 'provisioning names a `workspace_id` the server has no key for',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    message: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
    when: 'an `Idempotency-Key` header that is empty, too long or not visible ASCII',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'A valid bearer token or admin key is required',
    when: 'a missing, malformed, forged or expired JWT, one with the wrong issuer, audience or algorithm, or a wrong admin key (all alike)',
  },
  FORBIDDEN: {
    status: 403,
    message: 'This action needs admin rights',
    when: 'an admin route called by a user',
  },
  TENANT_DISABLED: {
    status: 403,
    message: 'This tenant is disabled',
    when: 'a token requested for a tenant behind the kill switch',
  },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found', when: 'no such route' },
  TENANT_NOT_FOUND: {
    status: 404,
    message: 'Tenant not found',
    when: 'an unknown tenant, or one the caller does not belong to (identical answers, so ids cannot be probed)',
  },
  DASHBOARD_NOT_FOUND: {
    status: 404,
    message: 'Dashboard not found',
    when: "an unknown dashboard, or another tenant's",
  },
  NO_DEFAULT_DASHBOARD: {
    status: 404,
    message: 'This tenant has no dashboard yet',
    when: 'a token requested without a dashboard id for a tenant without a default dashboard',
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    message: 'A request with this Idempotency-Key is in progress',
    when: 'the same `Idempotency-Key` while its first request is still running',
  },
  TENANT_WORKSPACE_CONFLICT: {
    status: 409,
    message: 'This tenant belongs to another workspace',
    when: "provisioning names a `workspace_id` other than the tenant's (a tenant never moves between workspaces)",
  },
  WORKSPACE_TAKEN: {
    status: 409,
    message: 'This workspace already holds another tenant',
    when: 'with `TENANT_ISOLATION=workspace`, provisioning a second tenant into a workspace',
  },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large', when: 'a body over the limit' },
  URL_TOO_LONG: {
    status: 414,
    message: 'A path segment is too long',
    when: 'a path segment over 256 characters',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'The request body must be application/json',
    when: 'a body that is not `application/json`',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was used with a different request',
    when: 'the same `Idempotency-Key` with another body',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests, retry in 1 minute',
    when: 'over the rate limit; `Retry-After` and `x-ratelimit-*` headers say when to come back',
  },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong', when: 'a bug (logged, never detailed)' },
  UPSTREAM_ERROR: {
    status: 502,
    message: 'Papermap could not complete the request',
    when: 'Papermap failed, refused or answered something unreadable, after the retries that are safe',
  },
  WORKSPACE_NOT_CONFIGURED: {
    status: 503,
    message: "This instance has no key for the tenant's workspace",
    when: "the tenant's workspace is missing from this instance's configuration (a rolling deploy that removes a workspace)",
  },
  NOT_READY: {
    status: 503,
    message: 'The database is not reachable',
    when: '`/readyz`: the database (or, when rate limits fail closed, Redis) cannot be reached',
  },
  SHUTTING_DOWN: {
    status: 503,
    message: 'This instance is shutting down, retry',
    when: 'the instance is draining after SIGTERM; retry on another',
    retryAfterSeconds: 1,
  },
  RATE_LIMIT_UNAVAILABLE: {
    status: 503,
    message: 'Rate limiting is temporarily unavailable, retry shortly',
    when: 'Redis cannot be reached and rate limits fail closed',
    retryAfterSeconds: RATE_LIMIT_RETRY_AFTER_SECONDS,
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'The database is temporarily unavailable, retry shortly',
    when: 'the database cannot be reached right now',
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  },
  IDENTITY_PROVIDER_UNAVAILABLE: {
    status: 503,
    message: 'The identity provider cannot be reached to check this token, retry shortly',
    when: "the identity provider's JWKS cannot be fetched (down, failing or too slow), so the JWT cannot be checked: not a bad credential, do not sign the user out; `Retry-After` says when the next attempt is made",
  },
  UPSTREAM_TIMEOUT: {
    status: 504,
    message: 'Papermap did not answer in time',
    when: 'Papermap did not answer within `UPSTREAM_TIMEOUT_MS`',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ApiErrorCode = keyof typeof ERRORS;

/** The message variants some codes have (each a fixed sentence, never an input value). */
export const MESSAGES = {
  adminKeyOrBearer: ERRORS.UNAUTHENTICATED.message,
  metricsToken: 'A valid metrics token is required',
  notReadyRedis: 'Redis is not reachable',
  invalidJsonPrototype: 'The request body is not acceptable JSON',
  rateLimitedLater: 'Too many requests, retry later',
  rateLimitedIn: (after: string) => `Too many requests, retry in ${after}`,
  tokenBodyMixed: 'Use either tenant_id/dashboard_id or tenantId/dashboardId, not both',
  tokenBodyTenant: 'body must have property tenant_id',
  headerUnsafeTenant: 'body/tenant_id must hold printable ASCII only, with no space at either end',
  cliTenantPattern: 'tenant id does not match ID_PATTERN',
  cliName: 'name must be 1 to 200 characters',
  cliArguments: (usage: string) => `usage: ${usage}`,
  instant: (field: string) =>
    `${field} must be an RFC 3339 timestamp (2026-11-29T10:00:00Z) or a date (2026-11-29)`,
  auditLimit: (max: number) => `limit must be a whole number from 1 to ${max}`,
} as const;

/** `{ statusCode, code, message, retryAfterSeconds? }`: the error shape the sandbox shares (core's `HttpError`). */
export class ApiError extends HttpError<ApiErrorCode> {}

/** The catalogue's error for `code`, with its message (or one of its variants) and its `Retry-After`. */
export function apiError(
  code: ApiErrorCode,
  message: string = ERRORS[code].message,
  retryAfterSeconds: number | undefined = (ERRORS[code] as CatalogueEntry).retryAfterSeconds,
): ApiError {
  return new ApiError(ERRORS[code].status, code, message, retryAfterSeconds);
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

/** The body answered for `code` with its catalogue message. */
export function catalogueBody(code: ApiErrorCode, message: string = ERRORS[code].message): ErrorBody {
  return errorBody(ERRORS[code].status, code, message);
}

/** Any other 4xx Fastify raises: its status kept, with BAD_REQUEST's code and message. */
export const otherClientError = (statusCode: number) =>
  new ApiError(statusCode, 'BAD_REQUEST', ERRORS.BAD_REQUEST.message);

export const unauthenticated = () => apiError('UNAUTHENTICATED');
export const forbidden = () => apiError('FORBIDDEN');
// A foreign tenant and an unknown tenant get exactly this answer, so ids cannot be probed.
export const tenantNotFound = () => apiError('TENANT_NOT_FOUND');
export const dashboardNotFound = () => apiError('DASHBOARD_NOT_FOUND');
export const identityProviderUnavailable = (retryAfterSeconds: number) =>
  apiError('IDENTITY_PROVIDER_UNAVAILABLE', undefined, retryAfterSeconds);
