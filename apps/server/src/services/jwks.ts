/**
 * The identity provider's signing keys (`AUTH_JWKS_URL`), for jose's `jwtVerify`. An identity provider that is
 * down, failing or slow must not look like a bad token: a user told 401 is signed out and signs in again, in
 * a loop, while the real problem is on our side. So a JWKS that cannot be fetched makes verification fail
 * with 503 IDENTITY_PROVIDER_UNAVAILABLE and `Retry-After`, while a token the fetched keys refuse stays 401.
 *
 * - Each fetch is bounded by `AUTH_JWKS_TIMEOUT_MS` (2 s by default, not jose's 5 s).
 * - After a failed fetch the next one waits (1 s, doubling up to 30 s); requests in between are answered 503
 *   at once instead of each waiting for a fetch of its own.
 * - Keys are refreshed every 10 minutes in the background; when a refresh fails the keys fetched last stay in
 *   use, so an outage of the identity provider does not stop users whose tokens we can still check.
 * - A token naming a key the set does not hold makes one refetch (at most every 30 s), so a key the
 *   provider just added works at once; a key it withdrew stops working at the next refresh.
 *
 * Fetching and parsing are ours (fetch with a timeout, no redirects, 200 and JSON required); the key set is
 * jose's `createLocalJWKSet`, which selects keys exactly as `createRemoteJWKSet` does.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { identityProviderUnavailable, type ApiError } from '../errors.js';

export const JWKS_REFRESH_MS = 10 * 60 * 1000;
const JWKS_UNKNOWN_KEY_COOLDOWN_MS = 30_000;
const JWKS_BACKOFF_INITIAL_MS = 1000;
const JWKS_BACKOFF_MAX_MS = 30_000;

export interface JwksOptions {
  timeoutMs: number;
  now?: () => number;
  /** Told about each failed fetch (the server logs it, throttled), with the failure's kind. */
  onFailure?: (error: unknown) => void;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/** Why a fetch failed, without the URL or the body (for the log). */
export class JwksFetchError extends Error {
  constructor(readonly code: 'JWKS_TIMEOUT' | 'JWKS_NETWORK' | 'JWKS_STATUS' | 'JWKS_INVALID') {
    super(code);
    this.name = 'JwksFetchError';
  }
}

async function fetchKeySet(url: string, timeoutMs: number): Promise<KeySet> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'application/json, application/jwk-set+json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    throw new JwksFetchError(
      name === 'TimeoutError' || name === 'AbortError' ? 'JWKS_TIMEOUT' : 'JWKS_NETWORK',
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JwksFetchError('JWKS_STATUS');
  }
  try {
    return createLocalJWKSet((await response.json()) as JSONWebKeySet);
  } catch {
    // Not JSON, not a key set, or the body stalled past the timeout.
    throw new JwksFetchError('JWKS_INVALID');
  }
}

export class RemoteKeys {
  private keys: KeySet | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<void> | undefined;
  private failures = 0;
  private retryAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly url: string,
    private readonly options: JwksOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** jose's key lookup: `jwtVerify(token, remoteKeys.getKey, …)`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = this.now();
    if (this.keys === undefined) await this.refresh(now);
    else if (now - this.fetchedAt >= JWKS_REFRESH_MS && now >= this.retryAt && !this.pending) {
      // In the background: the request goes on with the keys it has.
      this.refresh(now).catch(() => undefined);
    }
    try {
      return await this.keys!(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now - this.fetchedAt < JWKS_UNKNOWN_KEY_COOLDOWN_MS)
        throw error;
      await this.refresh(now);
      return this.keys!(header, token);
    }
  };

  /** Fetches the set (one fetch shared by concurrent callers); throws 503 while backing off or on failure. */
  private async refresh(now: number): Promise<void> {
    if (!this.pending) {
      if (now < this.retryAt) throw this.unavailable(now);
      this.pending = fetchKeySet(this.url, this.options.timeoutMs)
        .then(
          (keys) => {
            this.keys = keys;
            this.fetchedAt = this.now();
            this.failures = 0;
            this.retryAt = Number.NEGATIVE_INFINITY;
          },
          (error: unknown) => {
            this.failures++;
            const delay = Math.min(JWKS_BACKOFF_INITIAL_MS * 2 ** (this.failures - 1), JWKS_BACKOFF_MAX_MS);
            this.retryAt = this.now() + delay;
            this.options.onFailure?.(error);
            throw error;
          },
        )
        .finally(() => {
          this.pending = undefined;
        });
    }
    try {
      await this.pending;
    } catch {
      throw this.unavailable(this.now());
    }
  }

  private unavailable(now: number): ApiError {
    return identityProviderUnavailable(Math.max(1, Math.ceil((this.retryAt - now) / 1000)));
  }
}
