import { platform } from '#platform';

/**
 * Papermap's MAC (PROTOCOL.md section 2): lowercase hex HMAC-SHA256 of `workspaceId + validUntil`, with no
 * separator, keyed with the secret. Callers validate their inputs first.
 */
export function papermapSignature(secretKey: string, workspaceId: string, validUntil: number): Promise<string> {
  return Promise.resolve(platform.hmacSha256Hex(secretKey, workspaceId + String(validUntil)));
}

export const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
