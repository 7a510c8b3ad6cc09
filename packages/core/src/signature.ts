import { platform } from '#platform';

/**
 * Papermap's MAC (docs/papermap-protocol.md §2): lowercase hex HMAC-SHA256 of `workspaceId + validUntil`, with no
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
function signatureNowOrLater(
  secretKey: string,
  workspaceId: string,
  validUntil: number,
): string | Promise<string> {
  return platform.hmacSha256Hex(secretKey, workspaceId + String(validUntil));
}

// The MAC of a minted token depends on its workspace and expiry second only, so a busy server minting for a
// workspace computes the same one thousands of times a second: the last few are kept (synchronous platforms
// only). Bounded, and cleared whole when full: expiries move on every second. Verification does not use it,
// so how long a check takes never depends on what was minted before.
const MINTED_LIMIT = 256;
const minted = new Map<string, string>();

/** `signatureNowOrLater` for minting: the same value, remembered for the tokens that follow. */
export function mintSignature(
  secretKey: string,
  workspaceId: string,
  validUntil: number,
): string | Promise<string> {
  const message = workspaceId + String(validUntil);
  // Ids hold no control characters, so the first NUL separates message and secret unambiguously.
  const key = `${message}\u0000${secretKey}`;
  const known = minted.get(key);
  if (known !== undefined) return known;
  const signature = platform.hmacSha256Hex(secretKey, message);
  if (typeof signature === 'string') {
    if (minted.size >= MINTED_LIMIT) minted.clear();
    minted.set(key, signature);
  }
  return signature;
}

export const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
