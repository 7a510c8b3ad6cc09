/**
 * Every error the sandbox answers: its code, HTTP status and message live here, as the server's do
 * (apps/server/src/errors.ts), in the error shape both share (`HttpError` of @tenantdash/core). An error
 * becomes Papermap's documented body `{ "error", "code", "status" }`; a message never echoes a secret or a
 * token, and input values only as the fixed variants below name them (a field, a limit).
 */
import { HttpError, type HttpErrorEntry } from '@tenantdash/core';

export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  INVALID_JSON: { status: 400, message: 'The body is not valid JSON' },
  INVALID_BODY: { status: 400, message: 'The body must be a JSON object' },
  INVALID_QUERY: { status: 400, message: 'workspace_id is required (once)' },
  INVALID_PERIOD: { status: 400, message: 'from_period must not be after to_period' },
  INVALID_PAGE: { status: 400, message: 'page must be a whole number of at least 1' },
  INVALID_PER_PAGE: { status: 400, message: 'per_page is out of range' },
  INVALID_TENANT_ID: { status: 400, message: 'tenant_id is not a valid id' },
  INVALID_WORKSPACE_ID: { status: 400, message: 'workspace_id is required' },
  INVALID_TITLE: { status: 400, message: 'title is required' },
  INVALID_DESCRIPTION: { status: 400, message: 'description must be a string or null' },
  INVALID_FAULT: { status: 400, message: 'The fault must be a JSON object' },
  // Signed API authentication: Papermap documents only TOKEN_EXPIRED; the other codes are the sandbox's own.
  MISSING_AUTH_HEADERS: { status: 401, message: 'Missing authentication headers' },
  MALFORMED_AUTH_HEADERS: { status: 401, message: 'Malformed authentication headers' },
  INVALID_SIGNATURE: { status: 401, message: 'Invalid signature' },
  TOKEN_EXPIRED: { status: 401, message: 'Token expired' },
  VALID_UNTIL_TOO_FAR: { status: 401, message: 'Signature validity exceeds the allowed lifetime' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  INVALID_API_KEY: { status: 401, message: 'Invalid API key' },
  WORKSPACE_MISMATCH: { status: 401, message: 'API key is not valid for this workspace' },
  ADMIN_UNAUTHORIZED: { status: 401, message: 'Missing or wrong sandbox admin token' },
  // Embed refusals (the page and the token re-check), with core's token codes.
  MISSING_PARAMETERS: { status: 400, message: 'The embed URL is missing a parameter' },
  TOKEN_MALFORMED: { status: 400, message: 'The embed token was refused' },
  TOKEN_INVALID: { status: 401, message: 'The embed token was refused' },
  TOKEN_LIFETIME_EXCEEDED: { status: 401, message: 'The embed token was refused' },
  TOKEN_MISMATCH: { status: 403, message: 'The embed token was refused' },
  DASHBOARD_NOT_FOUND: { status: 404, message: 'The embed token was refused' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The body must be application/json' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  // A fault injected by a test: answered with the fault's own 5xx.
  UPSTREAM_UNAVAILABLE: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, HttpErrorEntry>;

export type SandboxErrorCode = keyof typeof ERRORS;

/** The message variants some codes have (each names a field or a limit, never a value it was given). */
export const MESSAGES = {
  emptyBody: 'The body must not be empty',
  embedRefused: 'The embed token was refused',
  tokenCheckBody: 'token, workspace_id, dashboard_id and tenant_id are required strings',
  workspaceNotSigned: 'workspace_id must be the signed workspace',
  faultField: (field: string) => `Unknown fault field: ${field.slice(0, 40)}`,
  faultMode: (modes: readonly string[]) => `mode must be one of ${modes.join(', ')}`,
  faultDelay: (max: number) => `delay_ms must be a whole number from 0 to ${max}`,
  faultStatus: 'status must be a 5xx code',
  faultRemaining: 'remaining must be a positive whole number',
  givenOnce: (name: string) => `${name} must be given once`,
  period: (name: string) => `${name} must be YYYY-MM`,
  perPage: (max: number) => `per_page must be a whole number from 1 to ${max}`,
  titleLength: (max: number) => `title must be at most ${max} characters`,
  descriptionLength: (max: number) => `description must be at most ${max} characters`,
} as const;

export class ApiError extends HttpError<SandboxErrorCode> {}

/** The table's error for `code`, with its message or one of the variants above. */
export function apiError(code: SandboxErrorCode, message: string = ERRORS[code].message): ApiError {
  return new ApiError(ERRORS[code].status, code, message);
}

/** A body naming another workspace than the signed one: WORKSPACE_MISMATCH, as a 400 there. */
export const bodyWorkspaceMismatch = () =>
  new ApiError(400, 'WORKSPACE_MISMATCH', MESSAGES.workspaceNotSigned);

/** Any other 4xx Fastify raises: its status kept, with BAD_REQUEST's code and message. */
export const otherClientError = (statusCode: number) =>
  new ApiError(statusCode, 'BAD_REQUEST', ERRORS.BAD_REQUEST.message);

/** The answer of an injected `error` fault: its configured 5xx. */
export const injectedFault = (statusCode: number) =>
  new ApiError(statusCode, 'UPSTREAM_UNAVAILABLE', ERRORS.UPSTREAM_UNAVAILABLE.message);

/** The sandbox was given an unusable configuration; thrown by `buildSandbox` before anything starts. */
export class SandboxConfigError extends Error {
  readonly code = 'SANDBOX_CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'SandboxConfigError';
  }
}

export interface ErrorBody {
  error: string;
  code: string;
  status: number;
}

export function errorBody(error: ApiError): ErrorBody {
  return { error: error.message, code: error.code, status: error.statusCode };
}
