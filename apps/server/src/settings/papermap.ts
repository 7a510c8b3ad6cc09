/**
 * Papermap: the workspaces and their keys, where the API and embed page are, and how tokens and calls behave.
 *
 * One workspace from `PAPERMAP_WORKSPACE_ID` / `PAPERMAP_API_KEY_ID` / `PAPERMAP_SECRET_KEY` (as before
 * several workspaces existed), more from the JSON file `PAPERMAP_WORKSPACES_FILE` (settings/workspaces-file.ts).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_API_URL, DEFAULT_EMBED_BASE_URL, DEFAULT_MAX_LIFETIME_SECONDS } from '@tenantdash/core';
import { type Env, httpUrl, id, integer, read, required, SettingError } from './read.js';
import { parseWorkspacesFile } from './workspaces-file.js';

/** One Papermap workspace and the key this server signs with for it. */
export interface PapermapWorkspace {
  workspaceId: string;
  apiKeyId: string;
  secretKey: string;
}

/**
 * `shared` (default): several tenants may share a workspace; an edited token can reach every tenant of it.
 * `workspace`: one tenant per workspace, so the workspace Papermap signs is the tenant's own.
 */
export type TenantIsolation = 'shared' | 'workspace';

export interface PapermapSettings extends PapermapWorkspace {
  /** `workspaceId`, `apiKeyId` and `secretKey` above are the default workspace's (new tenants go there). */
  workspaces: ReadonlyMap<string, PapermapWorkspace>;
  isolation: TenantIsolation;
  apiUrl: string;
  embedUrl: string;
}

export interface UpstreamSettings {
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
}

export const MAX_EMBED_TOKEN_TTL_SECONDS = DEFAULT_MAX_LIFETIME_SECONDS;

export const WORKSPACES_FILE = 'PAPERMAP_WORKSPACES_FILE';

function secret(env: Env, name: string): string {
  const value = required(env, name);
  if (/\s/.test(value)) throw new SettingError(name, 'must not contain whitespace');
  return value;
}

/** The workspace of the three single-workspace variables, or undefined when none of them is set. */
function envWorkspace(env: Env): PapermapWorkspace | undefined {
  const names = ['PAPERMAP_WORKSPACE_ID', 'PAPERMAP_API_KEY_ID', 'PAPERMAP_SECRET_KEY'];
  if (read(env, WORKSPACES_FILE) !== undefined && names.every((name) => read(env, name) === undefined))
    return undefined;
  // In the order they were always checked, so the first problem named stays the same.
  const secretKey = secret(env, 'PAPERMAP_SECRET_KEY');
  const apiKeyId = id(env, 'PAPERMAP_API_KEY_ID');
  return { workspaceId: id(env, 'PAPERMAP_WORKSPACE_ID'), apiKeyId, secretKey };
}

function fileText(env: Env): string | undefined {
  const path = read(env, WORKSPACES_FILE);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingError(
      WORKSPACES_FILE,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

function isolation(env: Env): TenantIsolation {
  const text = read(env, 'TENANT_ISOLATION') ?? 'shared';
  if (text !== 'shared' && text !== 'workspace')
    throw new SettingError('TENANT_ISOLATION', 'must be shared or workspace');
  return text;
}

export function papermapSettings(env: Env): PapermapSettings {
  const workspaces = new Map<string, PapermapWorkspace>();
  const single = envWorkspace(env);
  if (single) workspaces.set(single.workspaceId, single);
  const text = fileText(env);
  const file = text === undefined ? undefined : parseWorkspacesFile(text, env);
  const keyIds = new Set(single ? [single.apiKeyId] : []);
  for (const workspace of file?.workspaces ?? []) {
    if (workspaces.has(workspace.workspaceId))
      throw new SettingError(WORKSPACES_FILE, `names workspace ${workspace.workspaceId} twice`);
    // A Papermap key belongs to one workspace: the same id under two is a copy-paste slip.
    if (keyIds.has(workspace.apiKeyId))
      throw new SettingError(WORKSPACES_FILE, `gives key ${workspace.apiKeyId} to two workspaces`);
    keyIds.add(workspace.apiKeyId);
    workspaces.set(workspace.workspaceId, workspace);
  }
  const defaultId =
    file?.defaultWorkspaceId ??
    single?.workspaceId ??
    (workspaces.size === 1 ? [...workspaces.keys()][0] : undefined);
  if (defaultId === undefined)
    throw new SettingError(WORKSPACES_FILE, 'must name its "default" workspace when it lists several');
  const fallback = workspaces.get(defaultId);
  if (fallback === undefined)
    throw new SettingError(WORKSPACES_FILE, `names an unknown default workspace ${defaultId}`);
  return {
    ...fallback,
    workspaces,
    isolation: isolation(env),
    apiUrl: httpUrl(env, 'PAPERMAP_API_URL', DEFAULT_API_URL),
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
