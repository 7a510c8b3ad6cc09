/**
 * The shape of an HTTP API's error, shared by @tenantdash/server and the sandbox: a stable `code`, its HTTP
 * `statusCode`, a fixed message, and how long to wait before retrying when the failure is expected to pass.
 * Each side keeps one table of its own codes (`{ CODE: { status, message, retryAfterSeconds? } }`) and builds
 * its errors from it, and each serialises them to its own wire body (the server
 * `{ statusCode, code, error, message }`, the sandbox Papermap's `{ error, code, status }`).
 *
 * Here, in core, because both depend on core and the published server cannot import from the sandbox (a
 * private package, itself a dev dependency of the server).
 */

/** One row of an error table. */
export interface HttpErrorEntry {
  readonly status: number;
  /** The answer's message: a fixed sentence, never an input value, a secret or a token. */
  readonly message: string;
  /** Sent as `Retry-After` (seconds): the failure is expected to pass. */
  readonly retryAfterSeconds?: number;
}

export class HttpError<Code extends string = string> extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: Code,
    message: string,
    /** Sent as `Retry-After` (seconds) with the error: the failure is expected to pass. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
