/**
 * Every failure in @tenantdash/core is one of these classes, each carrying a stable string `code`.
 * Messages are fixed sentences: they never include a secret, a signature, a token or an input value.
 */
export type TenantDashErrorCode = ConfigErrorCode | TokenErrorCode | SignatureErrorCode;

export type ConfigErrorCode = 'CONFIG_INVALID';
export type TokenErrorCode =
  'TOKEN_MALFORMED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_LIFETIME_EXCEEDED';
export type SignatureErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_LIFETIME_EXCEEDED';

export class TenantDashError extends Error {
  readonly code: TenantDashErrorCode;

  constructor(code: TenantDashErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument or option given to a core function is not acceptable (bad secret, id, TTL, clock, URL). */
export class ConfigError extends TenantDashError {
  declare readonly code: ConfigErrorCode;

  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** An embed token could not be decoded, or failed verification. */
export class TokenError extends TenantDashError {
  declare readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string) {
    super(code, message);
  }
}

/** A signed server-to-server request failed verification. */
export class SignatureError extends TenantDashError {
  declare readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string) {
    super(code, message);
  }
}

export function isTenantDashError(value: unknown): value is TenantDashError {
  return value instanceof TenantDashError;
}
