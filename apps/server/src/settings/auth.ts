/** Who may call: user JWTs (an HS256 secret or an identity provider's JWKS) and backend admin keys. */
import { type Env, httpUrl, integer, list, read, required, SettingError } from './read.js';

export interface JwtAuthConfig {
  /** HS256 shared secret (at least 32 bytes), or undefined when a JWKS URL is used. */
  secret?: string;
  jwksUrl?: string;
  /** How long one fetch of the JWKS may take before the identity provider counts as unavailable. */
  jwksTimeoutMs: number;
  issuer: string;
  audience: string;
  /** Claim listing the caller's tenant ids (a string or an array of strings). */
  tenantsClaim: string;
  /** Claim that marks an admin when it is `true` (or an array/string containing "admin"). */
  adminClaim: string;
  clockToleranceSeconds: number;
}

export interface AuthSettings {
  jwt?: JwtAuthConfig;
  /** Keys accepted in the `X-Admin-Key` header, for backend-to-backend callers. */
  adminApiKeys: readonly string[];
}

/**
 * The JWT secret and admin key of `.env.sandbox`, published in the repository for trying the server against
 * the sandbox: anyone can sign JWTs or call as an admin with them, so production refuses them.
 */
export const PUBLISHED_DEV_CREDENTIALS: ReadonlySet<string> = new Set([
  'local-only-jwt-secret-change-me-0123456789',
  'local-only-admin-key-change-me-0123456789',
]);

function refusePublished(env: Env, name: string, values: readonly string[]): void {
  if (env.NODE_ENV?.trim() !== 'production') return;
  if (values.some((value) => PUBLISHED_DEV_CREDENTIALS.has(value)))
    throw new SettingError(name, 'holds the published value of .env.sandbox: set your own for production');
}

export function jwtSettings(env: Env): JwtAuthConfig | undefined {
  const secret = read(env, 'AUTH_JWT_SECRET');
  const jwksUrl = read(env, 'AUTH_JWKS_URL');
  if (secret === undefined && jwksUrl === undefined) return undefined;
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new SettingError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL are exclusive: set only one');
  }
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    throw new SettingError('AUTH_JWT_SECRET', 'must be at least 32 bytes long');
  }
  if (secret !== undefined) refusePublished(env, 'AUTH_JWT_SECRET', [secret]);
  return {
    ...(secret !== undefined ? { secret } : {}),
    ...(jwksUrl !== undefined ? { jwksUrl: httpUrl(env, 'AUTH_JWKS_URL', jwksUrl) } : {}),
    jwksTimeoutMs: integer(env, 'AUTH_JWKS_TIMEOUT_MS', 2000, 100, 30_000),
    issuer: required(env, 'AUTH_ISSUER'),
    audience: required(env, 'AUTH_AUDIENCE'),
    tenantsClaim: read(env, 'AUTH_TENANTS_CLAIM') ?? 'tenants',
    adminClaim: read(env, 'AUTH_ADMIN_CLAIM') ?? 'tenantdash_admin',
    clockToleranceSeconds: integer(env, 'AUTH_CLOCK_TOLERANCE_SECONDS', 5, 0, 300),
  };
}

/**
 * `hostAuthorization`: the settings are for the plugin inside a host app whose `authorize` hook decides
 * access, so no JWT or admin key settings are required.
 */
export function authSettings(env: Env, hostAuthorization: boolean): AuthSettings {
  const adminApiKeys = list(env, 'ADMIN_API_KEYS');
  if (adminApiKeys.some((key) => key.length < 24)) {
    throw new SettingError('ADMIN_API_KEYS', 'must hold keys of at least 24 characters');
  }
  refusePublished(env, 'ADMIN_API_KEYS', adminApiKeys);
  const jwt = jwtSettings(env);
  if (jwt === undefined && adminApiKeys.length === 0 && !hostAuthorization) {
    throw new SettingError(
      'AUTH_JWT_SECRET',
      'or AUTH_JWKS_URL or ADMIN_API_KEYS is required: nobody could call the API',
    );
  }
  return jwt === undefined ? { adminApiKeys } : { jwt, adminApiKeys };
}
