import { ConfigError } from './errors.js';

/** The embed page's URL, checked: absolute, http or https. */
export function parseBaseUrl(baseUrl: string): URL {
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
