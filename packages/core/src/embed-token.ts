import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { readClock, type Clock } from './clock.js';
import { constantTimeEqual } from './constant-time.js';
import { ConfigError, TokenError } from './errors.js';
import { expiryStatus } from './expiry.js';
import { parseFlatJsonObject } from './flat-json.js';
import type { ResolveKey } from './keys.js';
import {
  DEFAULT_EMBED_TOKEN_TTL_SECONDS,
  DEFAULT_MAX_LIFETIME_SECONDS,
  MAX_EMBED_TOKEN_LENGTH,
} from './limits.js';
import { pythonJsonString } from './python-json.js';
import { mintSignature, papermapSignature, SIGNATURE_PATTERN } from './signature.js';
import { assertId, assertSecret, assertSeconds, idProblem, optionSeconds } from './validate.js';

/** The six claims of a Papermap embed token, in the order the reference encoder writes them. */
export interface EmbedTokenClaims {
  api_key_id: string;
  workspace_id: string;
  tenant_id: string;
  dashboard_id: string;
  /** Unix seconds. */
  valid_until: number;
  /** Lowercase hex HMAC-SHA256 over `workspace_id + valid_until`. */
  signature: string;
}

const CLAIM_KEYS = [
  'api_key_id',
  'workspace_id',
  'tenant_id',
  'dashboard_id',
  'valid_until',
  'signature',
] as const;
const ID_CLAIMS = ['api_key_id', 'workspace_id', 'tenant_id', 'dashboard_id'] as const;

interface CreateEmbedTokenBase {
  apiKeyId: string;
  secretKey: string;
  workspaceId: string;
  tenantId: string;
  dashboardId: string;
  now?: Clock;
  /** The furthest ahead the token may expire. Default 24 h. */
  maxTtlSeconds?: number;
}

export type CreateEmbedTokenOptions = CreateEmbedTokenBase &
  (
    | { /** Lifetime from now. Default 3600 (Papermap's default). */ ttlSeconds?: number; validUntil?: never }
    | { /** Absolute expiry, Unix seconds. */ validUntil: number; ttlSeconds?: never }
  );

/** A minted token, as the token endpoint answers it (docs/papermap-protocol.md §3): `expires_at` is its `valid_until`. */
export interface MintedEmbedToken {
  token: string;
  dashboard_id: string;
  expires_at: number;
}

/** Mints an embed token byte-identical to Papermap's reference encoder (Python `json.dumps` + urlsafe base64). */
export async function createEmbedToken(options: CreateEmbedTokenOptions): Promise<MintedEmbedToken> {
  const { apiKeyId, secretKey, workspaceId, tenantId, dashboardId } = options;
  assertId('apiKeyId', apiKeyId);
  assertSecret('secretKey', secretKey);
  assertId('workspaceId', workspaceId);
  assertId('tenantId', tenantId);
  assertId('dashboardId', dashboardId);
  const maxTtlSeconds = optionSeconds('maxTtlSeconds', options.maxTtlSeconds, DEFAULT_MAX_LIFETIME_SECONDS);
  const nowSeconds = Math.floor(readClock(options.now) / 1000);

  let validUntil: number;
  if (options.validUntil !== undefined) {
    if (options.ttlSeconds !== undefined)
      throw new ConfigError('give either ttlSeconds or validUntil, not both');
    if (!Number.isSafeInteger(options.validUntil))
      throw new ConfigError('validUntil must be whole Unix seconds');
    assertSeconds('validUntil - now', options.validUntil - nowSeconds, maxTtlSeconds);
    validUntil = options.validUntil;
  } else {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_EMBED_TOKEN_TTL_SECONDS;
    assertSeconds('ttlSeconds', ttlSeconds, maxTtlSeconds);
    validUntil = nowSeconds + ttlSeconds;
  }

  const pending = mintSignature(secretKey, workspaceId, validUntil);
  const signature = typeof pending === 'string' ? pending : await pending;
  const json =
    `{"api_key_id": ${pythonJsonString(apiKeyId)}, "workspace_id": ${pythonJsonString(workspaceId)}, ` +
    `"tenant_id": ${pythonJsonString(tenantId)}, "dashboard_id": ${pythonJsonString(dashboardId)}, ` +
    `"valid_until": ${validUntil}, "signature": "${signature}"}`;
  const token = encodeBase64Url(json);
  if (token.length > MAX_EMBED_TOKEN_LENGTH) {
    throw new ConfigError(`the ids make a token longer than ${MAX_EMBED_TOKEN_LENGTH} characters`);
  }
  return { token, dashboard_id: dashboardId, expires_at: validUntil };
}

// Created on first use, not at import: Jest + jsdom has no TextDecoder, and importing must not fail there.
let utf8: TextDecoder | undefined;

function malformed(message: string): TokenError {
  return new TokenError('TOKEN_MALFORMED', message);
}

/**
 * Decodes a token's claims without verifying them. Refuses, as TOKEN_MALFORMED, anything Papermap's
 * reference encoder could not have written: oversized input, a foreign alphabet or wrong padding, JSON that
 * is not a flat object of exactly the six claims, wrong types, invalid ids, a non-hex signature.
 */
export function decodeEmbedToken(token: unknown): EmbedTokenClaims {
  if (typeof token !== 'string' || token.length === 0)
    throw malformed('the token must be a non-empty string');
  if (token.length > MAX_EMBED_TOKEN_LENGTH)
    throw malformed(`the token is longer than ${MAX_EMBED_TOKEN_LENGTH} characters`);
  const bytes = decodeBase64Url(token);
  if (bytes === undefined) throw malformed('the token is not padded URL-safe base64');
  let text: string;
  try {
    text = (utf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(bytes);
  } catch {
    throw malformed('the token does not hold UTF-8 text');
  }
  const members = parseFlatJsonObject(text);
  if (members === undefined) throw malformed('the token does not hold a flat JSON object');
  const keys = Object.keys(members);
  if (keys.length !== CLAIM_KEYS.length || !CLAIM_KEYS.every((key) => key in members)) {
    throw malformed('the token must hold exactly the six Papermap claims');
  }
  for (const claim of ID_CLAIMS) {
    if (typeof members[claim] !== 'string' || idProblem(members[claim]) !== undefined) {
      throw malformed(`${claim} must be a valid id string`);
    }
  }
  const validUntil = members.valid_until;
  if (typeof validUntil !== 'number' || !Number.isSafeInteger(validUntil) || validUntil <= 0) {
    throw malformed('valid_until must be a positive whole number of seconds');
  }
  const signature = members.signature;
  if (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature)) {
    throw malformed('signature must be 64 lowercase hex characters');
  }
  return {
    api_key_id: members.api_key_id as string,
    workspace_id: members.workspace_id as string,
    tenant_id: members.tenant_id as string,
    dashboard_id: members.dashboard_id as string,
    valid_until: validUntil,
    signature,
  };
}

export interface VerifyEmbedTokenOptions {
  resolveKey: ResolveKey;
  now?: Clock;
  /** The furthest ahead `valid_until` may lie. Default 24 h. */
  maxLifetimeSeconds?: number;
  /** Clock skew forgiven at both ends. Default 0. */
  leewaySeconds?: number;
}

/**
 * Decodes and verifies a token: the key is known and bound to the token's workspace, the MAC matches, and
 * `valid_until` is neither past nor beyond the lifetime cap. Tenant and dashboard are NOT covered by the MAC
 * (docs/papermap-protocol.md §7.1): callers must check them against their own records.
 */
export async function verifyEmbedToken(
  token: unknown,
  options: VerifyEmbedTokenOptions,
): Promise<EmbedTokenClaims> {
  if (typeof options?.resolveKey !== 'function') throw new ConfigError('resolveKey must be a function');
  const maxLifetimeSeconds = optionSeconds(
    'maxLifetimeSeconds',
    options.maxLifetimeSeconds,
    DEFAULT_MAX_LIFETIME_SECONDS,
  );
  const leewaySeconds = optionSeconds('leewaySeconds', options.leewaySeconds, 0);
  const nowMs = readClock(options.now);
  const claims = decodeEmbedToken(token);

  const key = await options.resolveKey(claims.api_key_id);
  if (key === null || key === undefined) throw new TokenError('TOKEN_INVALID', 'unknown API key');
  if (key.workspaceId !== claims.workspace_id) {
    throw new TokenError('TOKEN_INVALID', 'the API key does not belong to this workspace');
  }
  const expected = await papermapSignature(key.secretKey, claims.workspace_id, claims.valid_until);
  if (!constantTimeEqual(expected, claims.signature))
    throw new TokenError('TOKEN_INVALID', 'signature mismatch');

  const status = expiryStatus(claims.valid_until, nowMs, maxLifetimeSeconds, leewaySeconds);
  if (status === 'expired') throw new TokenError('TOKEN_EXPIRED', 'the token has expired');
  if (status === 'too-far-ahead') {
    throw new TokenError('TOKEN_LIFETIME_EXCEEDED', 'valid_until is further ahead than allowed');
  }
  return claims;
}
