/** Papermap: the key, the workspace, where its API and embed page are, and how tokens and calls behave. */
import { DEFAULT_API_URL, DEFAULT_EMBED_BASE_URL, DEFAULT_MAX_LIFETIME_SECONDS } from '@tenantdash/core';
import { type Env, httpUrl, id, integer, required, SettingError } from './read.js';

export interface PapermapSettings {
  apiKeyId: string;
  secretKey: string;
  apiUrl: string;
  workspaceId: string;
  embedUrl: string;
}

export interface UpstreamSettings {
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
}

export const MAX_EMBED_TOKEN_TTL_SECONDS = DEFAULT_MAX_LIFETIME_SECONDS;

export function papermapSettings(env: Env): PapermapSettings {
  const secretKey = required(env, 'PAPERMAP_SECRET_KEY');
  if (/\s/.test(secretKey)) throw new SettingError('PAPERMAP_SECRET_KEY', 'must not contain whitespace');
  return {
    apiKeyId: id(env, 'PAPERMAP_API_KEY_ID'),
    secretKey,
    apiUrl: httpUrl(env, 'PAPERMAP_API_URL', DEFAULT_API_URL),
    workspaceId: id(env, 'PAPERMAP_WORKSPACE_ID'),
    embedUrl: httpUrl(env, 'PAPERMAP_EMBED_URL', DEFAULT_EMBED_BASE_URL),
  };
}

export function embedTokenTtlSeconds(env: Env): number {
  return integer(env, 'EMBED_TOKEN_TTL_SECONDS', 3600, 30, MAX_EMBED_TOKEN_TTL_SECONDS);
}

export function upstreamSettings(env: Env): UpstreamSettings {
  return {
    timeoutMs: integer(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000),
    retries: integer(env, 'UPSTREAM_RETRIES', 2, 0, 5),
    retryBaseDelayMs: integer(env, 'UPSTREAM_RETRY_BASE_DELAY_MS', 200, 0, 10_000),
  };
}
