import type { VerifiedRequest } from '@tenantdash/core';
import type { FastifyInstance } from 'fastify';
import { workspaceMismatch } from '../signed-request.js';
import { periodOf } from '../usage.js';

/** Charges the call to the tenant named by X-Tenant-ID (if any), in the current calendar month. */
export async function chargeTenant(
  app: FastifyInstance,
  signed: VerifiedRequest,
  credits: number,
): Promise<void> {
  if (signed.tenantId === undefined) return;
  const now = app.config.now();
  await app.store.recordUsage({
    workspaceId: signed.workspaceId,
    tenantId: signed.tenantId,
    period: periodOf(now),
    credits,
    now: new Date(now),
  });
}

export function requireSameWorkspace(signed: VerifiedRequest, workspaceId: string): void {
  if (signed.workspaceId !== workspaceId) throw workspaceMismatch();
}
