/**
 * Where a `valid_until` (Unix seconds) stands against the verifier's clock. A token is good through the
 * whole second it names; `leewaySeconds` forgives that much clock skew at both ends.
 */
export type ExpiryStatus = 'valid' | 'expired' | 'too-far-ahead';

export function expiryStatus(
  validUntil: number,
  nowMs: number,
  maxLifetimeSeconds: number,
  leewaySeconds: number,
): ExpiryStatus {
  const validUntilMs = validUntil * 1000;
  if (nowMs > validUntilMs + leewaySeconds * 1000) return 'expired';
  if (validUntilMs - nowMs > (maxLifetimeSeconds + leewaySeconds) * 1000) return 'too-far-ahead';
  return 'valid';
}
