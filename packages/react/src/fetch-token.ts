import { MAX_EMBED_TOKEN_LENGTH, readErrorCode } from '@tenantdash/core';
import { TenantDashboardError, type TenantDashboardErrorCode } from './errors.js';
import { computeTokenSchedule, type TokenSchedule } from './schedule.js';

/** The token server's JSON answer: `embed_url` and `expires_in` are optional. */
export interface EmbedTokenResponse {
  token: string;
  dashboard_id: string;
  /** Unix seconds on the server's clock (the token's `valid_until`). */
  expires_at: number;
  /** Whole seconds the token has left, counted by the server (as in OAuth 2.0): immune to clock skew. */
  expires_in?: number | undefined;
  embed_url?: string | undefined;
}

/**
 * No AbortSignal on purpose: React Query cancels a query whose signal was read when its last component
 * unmounts, and StrictMode's mount-unmount-mount would then fetch every token twice.
 */
export interface FetchTokenRequest {
  tenantId: string;
  dashboardId: string | undefined;
}

/**
 * A team's own way to get a token. Return the `Response` (then its status, error code, `Retry-After` and
 * `Date` headers are used) or the parsed JSON body (then send `expires_in` so clock skew cannot matter).
 */
export type FetchToken = (request: FetchTokenRequest) => Promise<Response | EmbedTokenResponse>;

export interface TokenEndpointOptions {
  /** Default `/api/v1/dashboards/iframe-token` (same origin). */
  tokenUrl?: string | undefined;
  /** Extra request headers (auth, CSRF), evaluated before every request. */
  getHeaders?: (() => Record<string, string> | Promise<Record<string, string>>) | undefined;
  /** Default `same-origin`. */
  credentials?: RequestCredentials | undefined;
}

/** A token as the hook hands it out, with its timing worked out on the local clock. */
export interface EmbedToken {
  token: string;
  dashboardId: string;
  /** Unix seconds, server clock, as the server sent it. */
  expiresAt: number;
  embedUrl: string | undefined;
  /** The answer's `expires_in`, when it had one. */
  expiresIn?: number | undefined;
  /**
   * Fetched during a server render (a prefetch): `receivedAt` and `schedule` are on that machine's clock,
   * and the browser works them out again on its own (see `localToken`).
   */
  fetchedOnServer?: boolean | undefined;
  /** Local time (ms) the answer arrived. */
  receivedAt: number;
  schedule: TokenSchedule;
}

export const DEFAULT_TOKEN_URL = '/api/v1/dashboards/iframe-token';

export async function requestToken(
  request: FetchTokenRequest,
  options: TokenEndpointOptions,
): Promise<Response> {
  const url = options.tokenUrl ?? DEFAULT_TOKEN_URL;
  const headers = { 'content-type': 'application/json', ...(await options.getHeaders?.()) };
  // JSON.stringify leaves out an undefined `dashboard_id`: the server's default dashboard.
  const body = { tenant_id: request.tenantId, dashboard_id: request.dashboardId };
  try {
    return await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: options.credentials ?? 'same-origin',
      cache: 'no-store',
    });
  } catch {
    // A browser reports a refused CORS request exactly like a dead network: only the origins tell them apart.
    const crossOrigin =
      typeof location !== 'undefined' && new URL(url, location.href).origin !== location.origin;
    throw new TenantDashboardError(
      'NETWORK_ERROR',
      crossOrigin
        ? 'The token endpoint is unreachable or not allowed by CORS (check CORS_ORIGINS)'
        : 'The token endpoint could not be reached',
    );
  }
}

/** The token server's 4xx codes that are ours too (the rest go by status). */
function codeFor(status: number, serverCode: string | undefined): TenantDashboardErrorCode {
  if (status < 500) {
    if (serverCode === 'NO_DEFAULT_DASHBOARD') return 'DASHBOARD_NOT_FOUND';
    if (
      serverCode === 'TENANT_DISABLED' ||
      serverCode === 'TENANT_NOT_FOUND' ||
      serverCode === 'DASHBOARD_NOT_FOUND'
    )
      return serverCode;
  }
  return status === 401
    ? 'UNAUTHORIZED'
    : status === 403
      ? 'FORBIDDEN'
      : status === 429
        ? 'RATE_LIMITED'
        : 'TOKEN_FETCH_FAILED';
}

/** `Retry-After` in seconds (what rate limiters send; the rarer HTTP-date form is treated as absent), in ms. */
function parseRetryAfter(value: string | null): number | undefined {
  return value && /^\s*\d{1,9}\s*$/.test(value) ? Number(value) * 1000 : undefined;
}

async function statusError(answer: Response): Promise<TenantDashboardError> {
  const { status } = answer;
  let serverCode: string | undefined;
  try {
    const body = (await answer.json()) as { code?: unknown } | null;
    serverCode = readErrorCode(body?.code);
  } catch {
    // No JSON body: the status alone decides.
  }
  return new TenantDashboardError(codeFor(status, serverCode), `The token endpoint answered ${status}`, {
    status,
    serverCode,
    retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
  });
}

const invalid = (why: string) => new TenantDashboardError('INVALID_RESPONSE', `Bad token response: ${why}`);

// Duck-typed: a Response from another realm (a test server, a polyfill) is still a Response.
function isResponse(value: unknown): value is Response {
  return typeof (value as Partial<Response> | null)?.headers?.get === 'function';
}

/**
 * Checks an answer and works out its schedule; `now` is read when the answer is in. `requestedAt` is the
 * local time the request started (what `expires_in` is counted from, conservatively).
 */
export async function readToken(
  answer: Response | EmbedTokenResponse,
  now: () => number,
  marginMs: number | undefined,
  requestedAt?: number,
): Promise<EmbedToken> {
  let body: unknown = answer;
  let serverDate: number | undefined;
  if (isResponse(answer)) {
    if (!answer.ok) throw await statusError(answer);
    const date = answer.headers.get('date');
    serverDate = date ? Date.parse(date) : undefined;
    try {
      body = await answer.json();
    } catch {
      throw invalid('not JSON');
    }
  }
  const receivedAt = now();
  const data = (body ?? {}) as Partial<Record<keyof EmbedTokenResponse, unknown>>;
  const { token, dashboard_id, expires_at, expires_in, embed_url } = data;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_EMBED_TOKEN_LENGTH) {
    throw invalid('token');
  }
  if (typeof dashboard_id !== 'string' || dashboard_id.length === 0) throw invalid('dashboard_id');
  if (typeof expires_at !== 'number' || !Number.isSafeInteger(expires_at)) throw invalid('expires_at');
  // `expires_in` ≤ 0: the server itself says the token is dead, no clock of ours involved.
  if (
    expires_in !== undefined &&
    expires_in !== null &&
    !(Number.isSafeInteger(expires_in) && (expires_in as number) > 0)
  ) {
    throw invalid('expires_in');
  }
  if (embed_url !== undefined && embed_url !== null && !/^https?:\/\//i.test(String(embed_url))) {
    throw invalid('embed_url');
  }
  const schedule = computeTokenSchedule({
    expiresAt: expires_at,
    expiresIn: typeof expires_in === 'number' ? expires_in : undefined,
    requestedAt,
    serverDate,
    receivedAt,
    marginMs,
  });
  // Refused only on the server's own word (`expires_in`, or its `Date` header); the local clock never decides.
  if (schedule.expiresAtMs <= receivedAt) throw invalid('token already expired');
  return {
    token,
    dashboardId: dashboard_id,
    expiresAt: expires_at,
    embedUrl: typeof embed_url === 'string' ? embed_url : undefined,
    expiresIn: typeof expires_in === 'number' ? expires_in : undefined,
    fetchedOnServer: typeof window === 'undefined',
    receivedAt,
    schedule,
  };
}

/** The settings a token fetch needs, wherever it runs (a hook, a server prefetch, a loader). */
export interface TokenFetchSettings extends TokenEndpointOptions {
  fetchToken?: FetchToken | undefined;
  refreshMarginMs?: number | undefined;
  now?: (() => number) | undefined;
}

/** One token: the caller's `fetchToken`, else the token endpoint; checked and scheduled. */
export async function fetchEmbedToken(
  request: FetchTokenRequest,
  settings: TokenFetchSettings,
): Promise<EmbedToken> {
  const now = settings.now ?? Date.now;
  const requestedAt = now();
  const answer = settings.fetchToken
    ? await settings.fetchToken(request)
    : await requestToken(request, settings);
  return readToken(answer, now, settings.refreshMarginMs, requestedAt);
}

// Tokens from a server render, worked out again on this browser's clock: once each, so identity is stable.
const localTokens = new WeakMap<EmbedToken, EmbedToken>();

/**
 * A token fetched during the server render of this page, on the browser's clock. The server fetched it while
 * answering this page's request, so after navigation started: counting `expires_in` from then can only put
 * the local expiry early, never late, whatever the two clocks say. Navigation start is taken as `now()` less
 * `performance.now()` (the time since it), so it is on the same clock as `now`.
 */
export function localToken(token: EmbedToken, now: () => number, marginMs: number | undefined): EmbedToken {
  if (!token.fetchedOnServer || typeof window === 'undefined') return token;
  let local = localTokens.get(token);
  if (local === undefined) {
    const receivedAt = now();
    const sinceNavigation = typeof performance === 'undefined' ? 0 : performance.now();
    const schedule = computeTokenSchedule({
      expiresAt: token.expiresAt,
      expiresIn: token.expiresIn,
      requestedAt: receivedAt - sinceNavigation,
      receivedAt,
      marginMs,
    });
    local = { ...token, fetchedOnServer: false, receivedAt, schedule };
    localTokens.set(token, local);
  }
  return local;
}
