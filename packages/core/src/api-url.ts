import { ConfigError } from './errors.js';
import { DEFAULT_API_URL } from './limits.js';

/**
 * Joins Papermap's data API base (written with a trailing `/` in its docs) and an absolute path, so that
 * the result never holds `//`.
 */
export function papermapApiUrl(path: string, baseUrl: string = DEFAULT_API_URL): string {
  if (!path.startsWith('/')) throw new ConfigError('path must start with /');
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ConfigError('the Papermap API URL must be an absolute URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new ConfigError('the Papermap API URL must be http or https');
  }
  if (base.search || base.hash)
    throw new ConfigError('the Papermap API URL must not have a query or fragment');
  return base.origin + base.pathname.replace(/\/+$/, '') + path;
}
