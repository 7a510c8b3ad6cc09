import { ConfigError } from './errors.js';
import { DEFAULT_EMBED_BASE_URL } from './limits.js';
import { assertId } from './validate.js';

export interface BuildEmbedUrlOptions {
  token: string;
  workspaceId: string;
  dashboardId: string;
  /** The embed page. Default: Papermap's `https://papermap.ai/embedded/dashboard`. */
  baseUrl?: string;
  /** Adds `debug=true`, which makes the embed page log diagnostics to the browser console. */
  debug?: boolean;
}

/** Our parameters: a base URL that already has one of them takes the general path (`set` replaces it). */
const OWN_PARAMETERS = ['embedded-token', 'workspace-id', 'dashboard-id', 'debug'] as const;

// Per base URL, what every embed URL built on it starts with (`null`: the general path). A server embeds
// with one or two base URLs; bounded so a caller cycling through them cannot grow it without limit.
const BASE_CACHE_LIMIT = 16;
const baseCache = new Map<string, string | null>();

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError('baseUrl must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('baseUrl must be http or https');
  return url;
}

/**
 * The text before our parameters: the base URL (as `URL` writes it) with its own query re-serialised the way
 * `URLSearchParams` would, then `?` or `&`. Null for a base URL with a fragment (kept after the query) or
 * with one of our parameters: those take the general path.
 */
function basePrefix(baseUrl: string): string | null {
  const cached = baseCache.get(baseUrl);
  if (cached !== undefined) return cached;
  const url = parseBaseUrl(baseUrl);
  let prefix: string | null = null;
  const params = new URLSearchParams(url.search);
  if (!baseUrl.includes('#') && !OWN_PARAMETERS.some((name) => params.has(name))) {
    const query = params.toString();
    url.search = '';
    prefix = `${url.href}?${query === '' ? '' : `${query}&`}`;
  }
  if (baseCache.size >= BASE_CACHE_LIMIT) baseCache.delete(baseCache.keys().next().value as string);
  baseCache.set(baseUrl, prefix);
  return prefix;
}

// Where `encodeURIComponent` and the application/x-www-form-urlencoded serialiser differ: the latter also
// escapes `!'()~` and writes a space as `+`.
const FORM_DIFFERENCES = /%20|[!'()~]/g;
const formEscape = (match: string) =>
  match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`;

// Characters the serialiser keeps as they are, then `=` padding at the end: a token's shape (base64url).
const PLAIN_THEN_PADDING = /^[A-Za-z0-9*._-]*(={0,2})$/;

/** A value as `URLSearchParams` serialises it, or undefined for a lone surrogate (it writes U+FFFD). */
function formEncode(value: string): string | undefined {
  // The common case, a token: only its padding needs escaping, no scan-and-copy of the whole value.
  const plain = PLAIN_THEN_PADDING.exec(value);
  if (plain !== null) {
    const padding = plain[1]!.length;
    return padding === 0 ? value : value.slice(0, value.length - padding) + '%3D'.repeat(padding);
  }
  try {
    return encodeURIComponent(value).replace(FORM_DIFFERENCES, formEscape);
  } catch {
    return undefined;
  }
}

/**
 * The URL an iframe loads to show a dashboard (PROTOCOL.md section 4); the token's `=` is percent-encoded.
 * Byte for byte what `URL` + `URLSearchParams.set` write; the common case (a plain base URL) is built as a
 * string from the base URL's prefix, worked out once, which is several times cheaper on a token server's
 * hot path.
 */
export function buildEmbedUrl(options: BuildEmbedUrlOptions): string {
  const { token, workspaceId, dashboardId, baseUrl = DEFAULT_EMBED_BASE_URL, debug = false } = options;
  if (typeof token !== 'string' || token.length === 0)
    throw new ConfigError('token must be a non-empty string');
  assertId('workspaceId', workspaceId);
  assertId('dashboardId', dashboardId);
  const prefix = typeof baseUrl === 'string' ? basePrefix(baseUrl) : null;
  if (prefix !== null) {
    const encodedToken = formEncode(token);
    const encodedWorkspace = formEncode(workspaceId);
    const encodedDashboard = formEncode(dashboardId);
    if (encodedToken !== undefined && encodedWorkspace !== undefined && encodedDashboard !== undefined) {
      return (
        `${prefix}embedded-token=${encodedToken}&workspace-id=${encodedWorkspace}` +
        `&dashboard-id=${encodedDashboard}${debug ? '&debug=true' : ''}`
      );
    }
  }
  return buildEmbedUrlGeneral(token, workspaceId, dashboardId, baseUrl, debug);
}

function buildEmbedUrlGeneral(
  token: string,
  workspaceId: string,
  dashboardId: string,
  baseUrl: string,
  debug: boolean,
): string {
  const url = parseBaseUrl(baseUrl);
  const params = new URLSearchParams(url.search);
  params.set('embedded-token', token);
  params.set('workspace-id', workspaceId);
  params.set('dashboard-id', dashboardId);
  if (debug) params.set('debug', 'true');
  url.search = params.toString();
  return url.toString();
}
