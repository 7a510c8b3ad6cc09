import {
  TokenError,
  decodeEmbedToken,
  verifyEmbedToken,
  type EmbedTokenClaims,
  type TokenErrorCode,
} from '@tenantdash/core';
import { ERRORS } from '../errors.js';
import type { SandboxConfig } from '../config.js';
import type { DashboardAttrs } from '../db/models.js';
import type { SandboxStore } from '../db/store.js';

export type RefusalCode = TokenErrorCode | 'TOKEN_MISMATCH' | 'DASHBOARD_NOT_FOUND';

/** Why an embed was refused: a stable code and the HTTP status it is served with (from errors.ts). */
export class EmbedRefusal extends Error {
  readonly status: number;

  constructor(readonly code: RefusalCode) {
    super(code);
    this.name = 'EmbedRefusal';
    this.status = ERRORS[code].status;
  }
}

export interface VerifiedEmbed {
  claims: EmbedTokenClaims;
  dashboard: DashboardAttrs;
}

/**
 * Everything Papermap checks on an embed (core's verifyEmbedToken), plus what the MAC does not cover
 * (docs/papermap-protocol.md §7.1): ids the URL names must be the token's, and the dashboard must
 * exist in the token's workspace. A URL may name neither (Papermap's iframe-token page shows
 * `?embedded-token=<token>` alone): the token names both.
 */
export async function verifyEmbed(
  store: SandboxStore,
  config: SandboxConfig,
  input: { token: string; workspaceId?: string | undefined; dashboardId?: string | undefined },
): Promise<VerifiedEmbed> {
  let claims: EmbedTokenClaims;
  try {
    claims = await verifyEmbedToken(input.token, {
      resolveKey: (apiKeyId) => store.findKey(apiKeyId),
      now: config.now,
      maxLifetimeSeconds: config.maxLifetimeSeconds,
      leewaySeconds: config.leewaySeconds,
    });
  } catch (error) {
    if (error instanceof TokenError) throw new EmbedRefusal(error.code);
    throw error;
  }
  const named = (given: string | undefined, claimed: string) => given === undefined || given === claimed;
  if (!named(input.workspaceId, claims.workspace_id) || !named(input.dashboardId, claims.dashboard_id)) {
    throw new EmbedRefusal('TOKEN_MISMATCH');
  }
  const dashboard = await store.findDashboard(claims.workspace_id, claims.dashboard_id);
  if (dashboard === undefined) throw new EmbedRefusal('DASHBOARD_NOT_FOUND');
  return { claims, dashboard };
}

/** The workspace a (possibly bad) token names, only to pick the error page's allow-list; undefined if unreadable. */
export function claimedWorkspace(token: string): string | undefined {
  try {
    return decodeEmbedToken(token).workspace_id;
  } catch {
    return undefined;
  }
}
