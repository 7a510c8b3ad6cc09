import { platform } from '#platform';

/**
 * Papermap's MAC (PROTOCOL.md section 2): lowercase hex HMAC-SHA256 of `workspaceId + validUntil`, with no
 * separator, keyed with the secret. Callers validate their inputs first.
 */
export function papermapSignature(
  secretKey: string,
  workspaceId: string,
  validUntil: number,
): Promise<string> {
  return Promise.resolve(signatureNowOrLater(secretKey, workspaceId, validUntil));
}

/**
 * The same MAC, synchronous where the platform allows (Node): hot paths await only when they must, since
 * every extra await costs a microtask turn per token.
 */
export function signatureNowOrLater(
  secretKey: string,
  workspaceId: string,
  validUntil: number,
): string | Promise<string> {
  return platform.hmacSha256Hex(secretKey, workspaceId + String(validUntil));
}

export const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
