import { fileURLToPath } from 'node:url';
import { idProblem } from '@tenantdash/core';
import type { FastifyServerOptions } from 'fastify';
import { SandboxConfigError } from './errors.js';
import { parseFaultSettings, type FaultSettings } from './faults.js';

/** A key that may sign requests and embed tokens for one workspace. */
export interface SandboxApiKey {
  id: string;
  secret: string;
}

/** A dashboard that exists from the start (as if created through the API earlier). */
export interface SandboxDashboardSeed {
  id: string;
  title: string;
  description?: string | null;
}

export interface SandboxWorkspace {
  id: string;
  apiKeys: SandboxApiKey[];
  /** Origins allowed to frame the embed page and to exchange postMessage with it (e.g. `http://localhost:5173`). */
  allowedOrigins?: string[];
  dashboards?: SandboxDashboardSeed[];
}

/** Credits charged per attributed call; request counts always grow by one. See README "Usage accounting". */
export interface SandboxCredits {
  createDashboard: number;
  tenantUsage: number;
  embedView: number;
}

export interface SandboxConfig {
  /** SQLite file, or ':memory:' for a throw-away database. Default `apps/sandbox/data/sandbox.sqlite`. */
  databasePath: string;
  /** Workspaces and keys on top of the seeded demo workspace. Upserted at every start. */
  workspaces: SandboxWorkspace[];
  /** Seed the demo workspace and key (SANDBOX_SEED). Default true. */
  seedDemo: boolean;
  /** Guards `/__sandbox/*`. Unset: those endpoints answer 404. */
  adminToken?: string;
  /** Clock in ms since the epoch, injectable for tests. */
  now: () => number;
  logger: FastifyServerOptions['logger'];
  /** Fault active from the start (same shape as `PUT /__sandbox/faults`). */
  faults: FaultSettings;
  /** Furthest ahead a signature or token's valid_until may lie. Default 24 h (core's default). */
  maxLifetimeSeconds: number;
  /** Clock skew forgiven when checking expiry. Default 0. */
  leewaySeconds: number;
  credits: SandboxCredits;
  /** The embed page posts `token-expiring` this many seconds before expiry (at most a quarter of the token's
   * remaining lifetime). Default 60. */
  tokenExpiringLeadSeconds: number;
  /**
   * Route of the per-tenant usage history, whose real path Papermap does not document. Must start with
   * `/api/v1/external/` and hold `:workspace_id` and `:tenant_id`.
   */
  tenantUsageHistoryPath: string;
}

export const DEFAULT_TENANT_USAGE_HISTORY_PATH =
  '/api/v1/external/workspaces/:workspace_id/tenants/:tenant_id/usage';

/** The demo workspace and key every fresh sandbox holds. Fixed on purpose: the README and the demo use them. */
export const SANDBOX_SEED = Object.freeze({
  workspaceId: 'ws_demo',
  apiKeyId: 'ak_demo',
  secretKey: 'sk_demo_0123456789abcdef0123456789abcdef',
  allowedOrigins: Object.freeze([
    'http://localhost:5173',
    'http://127.0.0.1:5173',
    'http://localhost:4173',
    'http://127.0.0.1:4173',
    'http://localhost:3000',
    'http://127.0.0.1:3000',
  ]),
});

export const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('../data/sandbox.sqlite', import.meta.url));

export const DEFAULT_CREDITS: SandboxCredits = Object.freeze({
  createDashboard: 10,
  tenantUsage: 1,
  embedView: 2,
});

function fail(message: string): never {
  throw new SandboxConfigError(message);
}

function checkId(what: string, value: unknown): string {
  const problem = idProblem(value);
  if (problem !== undefined) fail(`${what} ${problem}`);
  return value as string;
}

function checkSeconds(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${what} must be a non-negative whole number`);
  }
  return value;
}

function checkOrigin(value: unknown): string {
  if (typeof value !== 'string') fail('allowedOrigins entries must be strings');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`allowedOrigins entry is not a URL: ${value}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) {
    fail(`allowedOrigins entry must be a bare http(s) origin like https://app.example.com: ${value}`);
  }
  return value;
}

function checkWorkspace(raw: SandboxWorkspace, index: number): SandboxWorkspace {
  const where = `workspaces[${index}]`;
  if (raw === null || typeof raw !== 'object') fail(`${where} must be an object`);
  const id = checkId(`${where}.id`, raw.id);
  if (!Array.isArray(raw.apiKeys)) fail(`${where}.apiKeys must be an array`);
  const apiKeys = raw.apiKeys.map((key, k) => {
    const keyId = checkId(`${where}.apiKeys[${k}].id`, key?.id);
    if (typeof key.secret !== 'string' || key.secret.length === 0 || key.secret.trim() !== key.secret) {
      fail(`${where}.apiKeys[${k}].secret must be a non-empty string without surrounding whitespace`);
    }
    return { id: keyId, secret: key.secret };
  });
  const allowedOrigins = (raw.allowedOrigins ?? []).map(checkOrigin);
  const dashboards = (raw.dashboards ?? []).map((d, k) => ({
    id: checkId(`${where}.dashboards[${k}].id`, d?.id),
    title:
      typeof d.title === 'string' && d.title.trim() !== ''
        ? d.title
        : fail(`${where}.dashboards[${k}].title`),
    description: d.description ?? null,
  }));
  return { id, apiKeys, allowedOrigins, dashboards };
}

function checkHistoryPath(path: unknown): string {
  if (
    typeof path !== 'string' ||
    !/^\/api\/v1\/external\/[A-Za-z0-9_\-/:]+$/.test(path) ||
    !path.includes(':workspace_id') ||
    !path.includes(':tenant_id') ||
    path.endsWith('/tenant-usage')
  ) {
    fail('tenantUsageHistoryPath must start with /api/v1/external/ and hold :workspace_id and :tenant_id');
  }
  return path;
}

function configFaults(raw: unknown): FaultSettings {
  try {
    return parseFaultSettings(raw ?? { mode: 'none' });
  } catch (error) {
    return fail(`faults: ${(error as Error).message}`);
  }
}

/** Fills defaults and validates once; everything downstream trusts the result. */
export function resolveConfig(options: Partial<SandboxConfig> = {}): SandboxConfig {
  const databasePath = options.databasePath ?? DEFAULT_DATABASE_PATH;
  if (typeof databasePath !== 'string' || databasePath === '')
    fail('databasePath must be a non-empty string');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('now must be a function returning milliseconds');
  const adminToken = options.adminToken;
  if (adminToken !== undefined && (typeof adminToken !== 'string' || adminToken.length < 8)) {
    fail('adminToken must be a string of at least 8 characters');
  }
  const workspaces = (options.workspaces ?? []).map(checkWorkspace);
  const keyIds = new Set<string>();
  for (const ws of workspaces) {
    for (const key of ws.apiKeys) {
      if (keyIds.has(key.id)) fail(`api key ${key.id} is configured twice`);
      keyIds.add(key.id);
    }
  }
  const credits = { ...DEFAULT_CREDITS, ...options.credits };
  for (const [name, value] of Object.entries(credits)) checkSeconds(`credits.${name}`, value);
  return {
    databasePath,
    workspaces,
    seedDemo: options.seedDemo ?? true,
    ...(adminToken === undefined ? {} : { adminToken }),
    now,
    logger: options.logger ?? false,
    faults: configFaults(options.faults),
    maxLifetimeSeconds: checkSeconds('maxLifetimeSeconds', options.maxLifetimeSeconds ?? 24 * 60 * 60),
    leewaySeconds: checkSeconds('leewaySeconds', options.leewaySeconds ?? 0),
    credits,
    tokenExpiringLeadSeconds: checkSeconds(
      'tokenExpiringLeadSeconds',
      options.tokenExpiringLeadSeconds ?? 60,
    ),
    tenantUsageHistoryPath: checkHistoryPath(
      options.tenantUsageHistoryPath ?? DEFAULT_TENANT_USAGE_HISTORY_PATH,
    ),
  };
}
