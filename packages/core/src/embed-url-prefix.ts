/**
 * The embed URL built as a string on a token server's hot path (docs/papermap-protocol.md §4), byte for byte what
 * `URL` + `URLSearchParams.set` write, several times cheaper than them. Only the Node platform uses it: a
 * browser builds one URL per token, and its bundle is smaller without this.
 */
import { parseBaseUrl } from './base-url.js';

/** Our parameters: a base URL that already has one of them takes the general path (`set` replaces it). */
const OWN_PARAMETERS = ['embedded-token', 'workspace-id', 'dashboard-id', 'debug'] as const;

// Per base URL, what every embed URL built on it starts with (`null`: the general path). A server embeds
// with one or two base URLs; bounded so a caller cycling through them cannot grow it without limit.
const BASE_CACHE_LIMIT = 16;
const baseCache = new Map<string, string | null>();

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

/** The embed URL, or undefined when the general path must write it (see `basePrefix`, `formEncode`). */
export function fastEmbedUrl(
  token: string,
  workspaceId: string,
  dashboardId: string,
  baseUrl: string,
  debug: boolean,
): string | undefined {
  const prefix = typeof baseUrl === 'string' ? basePrefix(baseUrl) : null;
  if (prefix === null) return undefined;
  const encodedToken = formEncode(token);
  const encodedWorkspace = formEncode(workspaceId);
  const encodedDashboard = formEncode(dashboardId);
  if (encodedToken === undefined || encodedWorkspace === undefined || encodedDashboard === undefined) {
    return undefined;
  }
  return (
    `${prefix}embedded-token=${encodedToken}&workspace-id=${encodedWorkspace}` +
    `&dashboard-id=${encodedDashboard}${debug ? '&debug=true' : ''}`
  );
}
