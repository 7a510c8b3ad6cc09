/** The listener, proxies, browsers' origins, body limits and the shutdown grace. */
import { type Env, integer, list, read, SettingError } from './read.js';

export interface HttpSettings {
  host: string;
  port: number;
  trustProxy: boolean | string | number;
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  /** On SIGTERM: how long requests are refused with 503 (and readiness fails) before the listener closes. */
  shutdownGraceMs: number;
}

function trustProxy(env: Env): boolean | string | number {
  const text = read(env, 'TRUST_PROXY');
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  // A comma-separated list of addresses/CIDRs, passed to Fastify as is.
  if (!/^[0-9a-fA-F.:/, ]+$/.test(text))
    throw new SettingError('TRUST_PROXY', 'must be true, false, a hop count or a list of addresses');
  return text;
}

function corsOrigins(env: Env): string[] {
  const origins = list(env, 'CORS_ORIGINS');
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new SettingError(
        'CORS_ORIGINS',
        'must be a comma-separated list of exact origins (scheme://host[:port])',
      );
    }
    if (url.origin !== origin) {
      throw new SettingError('CORS_ORIGINS', 'must hold exact origins without path or trailing slash');
    }
  }
  return origins;
}

export function httpSettings(env: Env): HttpSettings {
  return {
    host: read(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    trustProxy: trustProxy(env),
    corsOrigins: corsOrigins(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * 1024, 1024, 1024 * 1024),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 1000, 0, 60_000),
  };
}
