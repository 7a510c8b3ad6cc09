/**
 * When to refresh an embed token, and when a frame that cannot take tokens by message must get a new `src`.
 * One pure function so every timing rule is testable without React, timers or a network.
 */

/** How long before expiry a fresh token is fetched, for tokens that live long enough. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** Short-lived tokens refresh after at most this share of their lifetime has passed... */
const SHORT_TTL_MARGIN_FRACTION = 0.25;
/** ...but never earlier than this after they arrive, so a bad server cannot drive a fetch loop. */
export const MIN_REFRESH_DELAY_MS = 5 * 1000;
/** A frame without the message extension gets its new `src` this long before the old token dies. */
export const SRC_SWAP_LEAD_MS = 15 * 1000;
/** After a failed refresh, the next attempt while the old token still lives. */
export const REFRESH_RETRY_INTERVAL_MS = 30 * 1000;
/** `Date` headers have one-second resolution: a smaller difference is not skew. */
const DATE_RESOLUTION_MS = 1000;
/**
 * With neither `expires_in` nor a readable `Date`, a token the local clock calls dead on arrival is taken to
 * be a clock that runs ahead (the server just issued it), and is given this long: never refused for that.
 */
export const UNKNOWN_SKEW_LIFETIME_MS = 60 * 1000;

/** Which clue the token's local expiry was worked out from, best first. */
export type ExpirySource = 'expires_in' | 'date-header' | 'local-clock' | 'assumed';

export interface ScheduleInput {
  /** The token's `expires_at`, Unix seconds on the server's clock. */
  expiresAt: number;
  /** The answer's `expires_in`: whole seconds left, counted by the server (rounded down). */
  expiresIn?: number | undefined;
  /** Local time (ms) when the token was asked for: `expires_in` counts from no earlier than this. */
  requestedAt?: number | undefined;
  /** The token response's `Date` header in ms (server clock), when it was readable. */
  serverDate?: number | undefined;
  /** Local time (ms) when the response arrived. */
  receivedAt: number;
  /** Desired refresh margin; scaled down for short lifetimes. Default 5 minutes. */
  marginMs?: number | undefined;
}

export interface TokenSchedule {
  /** Local clock minus server clock, in ms (positive: the browser is ahead). */
  skewMs: number;
  /** What the local expiry is based on: `expires_in`, else the `Date` header, else the local clock. */
  source: ExpirySource;
  /** When the token expires, on the local clock (ms). */
  expiresAtMs: number;
  /** When to fetch the next token, on the local clock (ms). */
  refreshAtMs: number;
  /** When a frame that cannot take a token by message must load a new `src`, on the local clock (ms). */
  swapSrcAtMs: number;
}

/**
 * Where the token dies on the local clock. `expires_in` counted from the request's start can only be early,
 * never late, whatever the clocks say; a `Date` header corrects skew to within its one-second resolution.
 */
function localExpiry(input: ScheduleInput): { expiresAtMs: number; source: ExpirySource } {
  const { expiresAt, expiresIn, requestedAt, serverDate, receivedAt } = input;
  if (expiresIn !== undefined) {
    return {
      expiresAtMs: (requestedAt ?? receivedAt) + expiresIn * 1000,
      source: 'expires_in',
    };
  }
  if (serverDate !== undefined && Number.isFinite(serverDate)) {
    const rawSkew = receivedAt - serverDate;
    const skewMs = Math.abs(rawSkew) < DATE_RESOLUTION_MS ? 0 : rawSkew;
    return { expiresAtMs: expiresAt * 1000 + skewMs, source: 'date-header' };
  }
  if (expiresAt * 1000 > receivedAt) return { expiresAtMs: expiresAt * 1000, source: 'local-clock' };
  return { expiresAtMs: receivedAt + UNKNOWN_SKEW_LIFETIME_MS, source: 'assumed' };
}

export function computeTokenSchedule(input: ScheduleInput): TokenSchedule {
  const { expiresAt, receivedAt, marginMs = DEFAULT_REFRESH_MARGIN_MS } = input;
  const { expiresAtMs, source } = localExpiry(input);
  const skewMs = expiresAtMs - expiresAt * 1000;
  const ttlMs = Math.max(0, expiresAtMs - receivedAt);
  const margin = Math.min(Math.max(0, marginMs), ttlMs * SHORT_TTL_MARGIN_FRACTION);
  const refreshAtMs = Math.max(expiresAtMs - margin, receivedAt + Math.min(MIN_REFRESH_DELAY_MS, ttlMs));
  // Swap after the refresh is due (so the new token is there) and before the old one dies.
  const lead = Math.min(SRC_SWAP_LEAD_MS, (expiresAtMs - refreshAtMs) / 2);
  const swapSrcAtMs = Math.max(refreshAtMs, expiresAtMs - lead);
  return { skewMs, source, expiresAtMs, refreshAtMs, swapSrcAtMs };
}
