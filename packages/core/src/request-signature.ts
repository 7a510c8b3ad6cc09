import { readClock, type Clock } from './clock.js';
import { constantTimeEqual } from './constant-time.js';
import { ConfigError, SignatureError } from './errors.js';
import { expiryStatus } from './expiry.js';
import type { ResolveKey } from './keys.js';
import { DEFAULT_MAX_LIFETIME_SECONDS, DEFAULT_REQUEST_TTL_SECONDS } from './limits.js';
import { papermapSignature, SIGNATURE_PATTERN } from './signature.js';
import { assertId, assertSecret, assertSeconds, idProblem, optionSeconds } from './validate.js';

export interface SignRequestOptions {
  apiKeyId: string;
  secretKey: string;
  workspaceId: string;
  /** Seconds from now until the signature expires. Papermap's docs advise 300. */
  ttlSeconds?: number;
  /** Attributes the request's credit usage to this tenant. Papermap does not sign it. */
  tenantId?: string;
  now?: Clock;
  /** The longest `ttlSeconds` accepted. Default 24 h. */
  maxTtlSeconds?: number;
}

// A type alias rather than an interface, so that it is assignable to HeaderSource (and to fetch's HeadersInit).
export type SignedRequestHeaders = {
  'X-API-Key-ID': string;
  'X-Workspace-ID': string;
  'X-Valid-Until': string;
  'X-Signature': string;
  'X-Tenant-ID'?: string;
};

/** The headers that authenticate one server-to-server call to Papermap (docs/papermap-protocol.md §2). */
export async function signRequest(options: SignRequestOptions): Promise<SignedRequestHeaders> {
  const { apiKeyId, secretKey, workspaceId, tenantId, ttlSeconds = DEFAULT_REQUEST_TTL_SECONDS } = options;
  assertId('apiKeyId', apiKeyId);
  assertSecret('secretKey', secretKey);
  assertId('workspaceId', workspaceId);
  if (tenantId !== undefined) assertId('tenantId', tenantId);
  const maxTtlSeconds = optionSeconds('maxTtlSeconds', options.maxTtlSeconds, DEFAULT_MAX_LIFETIME_SECONDS);
  assertSeconds('ttlSeconds', ttlSeconds, maxTtlSeconds);

  const validUntil = Math.floor(readClock(options.now) / 1000) + ttlSeconds;
  const headers: SignedRequestHeaders = {
    'X-API-Key-ID': apiKeyId,
    'X-Workspace-ID': workspaceId,
    'X-Valid-Until': String(validUntil),
    'X-Signature': await papermapSignature(secretKey, workspaceId, validUntil),
  };
  if (tenantId !== undefined) headers['X-Tenant-ID'] = tenantId;
  return headers;
}

/** Node's `IncomingHttpHeaders`, a plain record in any letter case, or a Fetch `Headers`. */
export type HeaderSource =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyRequestSignatureOptions {
  resolveKey: ResolveKey;
  now?: Clock;
  /** The furthest ahead `X-Valid-Until` may lie. Default 24 h. */
  maxLifetimeSeconds?: number;
  /** Clock skew forgiven at both ends. Default 0. */
  leewaySeconds?: number;
}

export interface VerifiedRequest {
  apiKeyId: string;
  workspaceId: string;
  validUntil: number;
  tenantId?: string;
}

// Canonical decimal only: a leading zero would let ("ws_0", "1700000000") be replayed as ("ws_", "01700000000").
const VALID_UNTIL_HEADER = /^[1-9][0-9]{0,15}$/;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || found !== undefined) {
      throw new SignatureError('SIGNATURE_MALFORMED', `${name} must be sent exactly once`);
    }
    found = value;
  }
  return found;
}

function requiredHeader(headers: HeaderSource, name: string): string {
  const value = readHeader(headers, name);
  if (value === undefined || value === '')
    throw new SignatureError('SIGNATURE_MISSING', `${name} header is missing`);
  return value;
}

/**
 * Verifies a signed request the way Papermap does: the key is known, it belongs to the named workspace, the
 * MAC matches, and `X-Valid-Until` is neither past nor further ahead than the lifetime cap.
 */
export async function verifyRequestSignature(
  headers: HeaderSource,
  options: VerifyRequestSignatureOptions,
): Promise<VerifiedRequest> {
  if (typeof options?.resolveKey !== 'function') throw new ConfigError('resolveKey must be a function');
  const maxLifetimeSeconds = optionSeconds(
    'maxLifetimeSeconds',
    options.maxLifetimeSeconds,
    DEFAULT_MAX_LIFETIME_SECONDS,
  );
  const leewaySeconds = optionSeconds('leewaySeconds', options.leewaySeconds, 0);
  const nowMs = readClock(options.now);
  if (headers === null || typeof headers !== 'object') {
    throw new SignatureError('SIGNATURE_MISSING', 'request headers are missing');
  }

  const apiKeyId = requiredHeader(headers, 'X-API-Key-ID');
  const workspaceId = requiredHeader(headers, 'X-Workspace-ID');
  const validUntilText = requiredHeader(headers, 'X-Valid-Until');
  const signature = requiredHeader(headers, 'X-Signature');
  const tenantId = readHeader(headers, 'X-Tenant-ID');

  if (idProblem(apiKeyId) !== undefined)
    throw new SignatureError('SIGNATURE_MALFORMED', 'X-API-Key-ID is not a valid id');
  if (idProblem(workspaceId) !== undefined) {
    throw new SignatureError('SIGNATURE_MALFORMED', 'X-Workspace-ID is not a valid id');
  }
  if (tenantId !== undefined && idProblem(tenantId) !== undefined) {
    throw new SignatureError('SIGNATURE_MALFORMED', 'X-Tenant-ID is not a valid id');
  }
  const validUntil = Number(validUntilText);
  if (!VALID_UNTIL_HEADER.test(validUntilText) || !Number.isSafeInteger(validUntil)) {
    throw new SignatureError(
      'SIGNATURE_MALFORMED',
      'X-Valid-Until must be Unix seconds in canonical decimal',
    );
  }
  if (!SIGNATURE_PATTERN.test(signature)) {
    throw new SignatureError('SIGNATURE_MALFORMED', 'X-Signature must be 64 lowercase hex characters');
  }

  const key = await options.resolveKey(apiKeyId);
  if (key === null || key === undefined) throw new SignatureError('SIGNATURE_INVALID', 'unknown API key');
  if (key.workspaceId !== workspaceId) {
    throw new SignatureError('SIGNATURE_INVALID', 'the API key does not belong to this workspace');
  }
  const expected = await papermapSignature(key.secretKey, workspaceId, validUntil);
  if (!constantTimeEqual(expected, signature))
    throw new SignatureError('SIGNATURE_INVALID', 'signature mismatch');

  const status = expiryStatus(validUntil, nowMs, maxLifetimeSeconds, leewaySeconds);
  if (status === 'expired') throw new SignatureError('SIGNATURE_EXPIRED', 'the signature has expired');
  if (status === 'too-far-ahead') {
    throw new SignatureError('SIGNATURE_LIFETIME_EXCEEDED', 'X-Valid-Until is further ahead than allowed');
  }
  return tenantId === undefined
    ? { apiKeyId, workspaceId, validUntil }
    : { apiKeyId, workspaceId, validUntil, tenantId };
}
