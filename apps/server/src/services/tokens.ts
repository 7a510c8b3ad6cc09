/**
 * Minting an embed token for a tenant: the stored mapping decides the dashboard and the workspace (never the
 * request), a disabled tenant gets nothing, and every token issued leaves an audit row holding its SHA-256.
 * The caller must already have checked that the requester may use the tenant.
 */
import { hash } from 'node:crypto';
import { buildEmbedUrl, createEmbedToken } from '@tenantdash/core';
import type { ServerConfig } from '../config.js';
import { apiError, dashboardNotFound, tenantNotFound } from '../errors.js';
import type { Store } from './store.js';

export interface IssuedToken {
  token: string;
  dashboard_id: string;
  expires_at: number;
  /** Whole seconds left (rounded down), so a browser with a wrong clock still knows when to refresh. */
  expires_in: number;
  embed_url: string;
}

export interface MintRequest {
  tenantId: string;
  dashboardId?: string;
  subject: string;
  ip?: string;
  userAgent?: string;
}

/** One-shot `crypto.hash`: half the cost of a `createHash` object for a value this short. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

export async function mintEmbedToken(
  store: Store,
  config: Pick<ServerConfig, 'papermap' | 'embedTokenTtlSeconds'>,
  request: MintRequest,
  now: () => number = Date.now,
): Promise<IssuedToken> {
  const target = await store.mintTarget(request.tenantId, request.dashboardId);
  if (!target) throw tenantNotFound();
  if (target.disabled) throw apiError('TENANT_DISABLED');
  const mapping = target.dashboard;
  if (!mapping) {
    if (request.dashboardId === undefined) {
      throw apiError('NO_DEFAULT_DASHBOARD');
    }
    throw dashboardNotFound();
  }

  const { papermap } = config;
  // The key of the dashboard's workspace: one Map lookup, whatever the number of workspaces.
  const key = papermap.workspaces.get(mapping.workspace_id);
  if (key === undefined) throw apiError('WORKSPACE_NOT_CONFIGURED');
  const issued = await createEmbedToken({
    apiKeyId: key.apiKeyId,
    secretKey: key.secretKey,
    workspaceId: mapping.workspace_id,
    tenantId: mapping.tenant_id,
    dashboardId: mapping.dashboard_id,
    ttlSeconds: config.embedTokenTtlSeconds,
    now,
  });
  const embedUrl = buildEmbedUrl({
    token: issued.token,
    workspaceId: mapping.workspace_id,
    dashboardId: mapping.dashboard_id,
    baseUrl: papermap.embedUrl,
  });
  await store.audit.record({
    id: null,
    tenant_id: mapping.tenant_id,
    dashboard_id: mapping.dashboard_id,
    subject: request.subject.slice(0, 255),
    ip: request.ip?.slice(0, 64) ?? null,
    user_agent: request.userAgent?.slice(0, 512) ?? null,
    issued_at: new Date(now()),
    expires_at: new Date(issued.expires_at * 1000),
    token_sha256: sha256Hex(issued.token),
  });
  return {
    token: issued.token,
    dashboard_id: issued.dashboard_id,
    expires_at: issued.expires_at,
    expires_in: Math.floor((issued.expires_at * 1000 - now()) / 1000),
    embed_url: embedUrl,
  };
}
