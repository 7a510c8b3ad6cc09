import { MAX_EMBED_TOKEN_LENGTH } from '@tenantdash/core';
import { TenantDashboardError } from './errors.js';
import { computeTokenSchedule, type TokenSchedule } from './schedule.js';

/** The token server's JSON answer (see apps/server): `embed_url` is optional. */
export interface EmbedTokenResponse {
  token: string;
  dashboard_id: string;
  expires_at: number;
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
 * A team's own way to get a token. Return the `Response` (then its status and `Date` header are used: clock
 * skew is corrected only that way) or the parsed JSON body.
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
  receivedAt: number;
  schedule: TokenSchedule;
}

export const DEFAULT_TOKEN_URL = '/api/v1/dashboards/iframe-token';

export async function requestToken(
  request: FetchTokenRequest,
  options: TokenEndpointOptions,
): Promise<Response> {
  const headers = { 'content-type': 'application/json', ...(await options.getHeaders?.()) };
  const body: Record<string, string> = { tenant_id: request.tenantId };
  if (request.dashboardId !== undefined) body.dashboard_id = request.dashboardId;
  try {
    return await fetch(options.tokenUrl ?? DEFAULT_TOKEN_URL, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: options.credentials ?? 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new TenantDashboardError('NETWORK_ERROR', 'The token endpoint could not be reached');
  }
}

function statusError(status: number): TenantDashboardError {
  if (status === 401)
    return new TenantDashboardError('UNAUTHORIZED', 'Not signed in to the token endpoint', 401);
  if (status === 403) return new TenantDashboardError('FORBIDDEN', 'Not allowed to view this dashboard', 403);
  return new TenantDashboardError('TOKEN_FETCH_FAILED', `The token endpoint answered ${status}`, status);
}

const invalid = (why: string) => new TenantDashboardError('INVALID_RESPONSE', `Bad token response: ${why}`);

// Duck-typed: a Response from another realm (a test server, a polyfill) is still a Response.
function isResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Response).json === 'function' &&
    typeof (value as Response).status === 'number' &&
    typeof (value as Response).headers === 'object'
  );
}

/** Checks an answer and works out its schedule; `now` is read when the answer is in. */
export async function readToken(
  answer: Response | EmbedTokenResponse,
  now: () => number,
  marginMs: number | undefined,
): Promise<EmbedToken> {
  let body: unknown = answer;
  let serverDate: number | undefined;
  if (isResponse(answer)) {
    if (!answer.ok) throw statusError(answer.status);
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
  const { token, dashboard_id, expires_at, embed_url } = data;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_EMBED_TOKEN_LENGTH) {
    throw invalid('token');
  }
  if (typeof dashboard_id !== 'string' || dashboard_id.length === 0) throw invalid('dashboard_id');
  if (typeof expires_at !== 'number' || !Number.isSafeInteger(expires_at)) throw invalid('expires_at');
  if (embed_url !== undefined && embed_url !== null && !/^https?:\/\//i.test(String(embed_url))) {
    throw invalid('embed_url');
  }
  const schedule = computeTokenSchedule({ expiresAt: expires_at, serverDate, receivedAt, marginMs });
  if (schedule.expiresAtMs <= receivedAt) throw invalid('token already expired');
  return {
    token,
    dashboardId: dashboard_id,
    expiresAt: expires_at,
    embedUrl: typeof embed_url === 'string' ? embed_url : undefined,
    receivedAt,
    schedule,
  };
}
