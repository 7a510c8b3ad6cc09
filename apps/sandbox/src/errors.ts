/**
 * Error classes with stable string codes. An ApiError becomes Papermap's documented error body
 * `{ "error", "code", "status" }`; its message is a fixed sentence that never echoes a secret or token.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function badRequest(code: string, message: string): ApiError {
  return new ApiError(400, code, message);
}

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
  return { error: error.message, code: error.code, status: error.status };
}
