import { fastEmbedUrl } from '#platform';
import { parseBaseUrl } from './base-url.js';
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

/**
 * The URL an iframe loads to show a dashboard (docs/papermap-protocol.md §4); the token's `=` is percent-encoded.
 * What `URL` + `URLSearchParams.set` write; on Node the common case is built as a string instead
 * (embed-url-prefix.ts), byte for byte the same.
 */
export function buildEmbedUrl(options: BuildEmbedUrlOptions): string {
  const { token, workspaceId, dashboardId, baseUrl = DEFAULT_EMBED_BASE_URL, debug = false } = options;
  if (typeof token !== 'string' || token.length === 0)
    throw new ConfigError('token must be a non-empty string');
  assertId('workspaceId', workspaceId);
  assertId('dashboardId', dashboardId);
  const fast = fastEmbedUrl?.(token, workspaceId, dashboardId, baseUrl, debug);
  if (fast !== undefined) return fast;
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
