import { SignatureError, verifyRequestSignature, type VerifiedRequest } from '@tenantdash/core';
import type { FastifyRequest } from 'fastify';
import type { SandboxConfig } from './config.js';
import type { SandboxStore } from './db/store.js';
import { apiError, type ApiError, type SandboxErrorCode } from './errors.js';

/**
 * Papermap answers every authentication failure with 401 and `{ error, code, status }` (errors.ts): core's
 * signature failures mapped to the codes the sandbox answers.
 */
const SIGNATURE_FAILURES: Record<string, SandboxErrorCode> = {
  SIGNATURE_MISSING: 'MISSING_AUTH_HEADERS',
  SIGNATURE_MALFORMED: 'MALFORMED_AUTH_HEADERS',
  SIGNATURE_INVALID: 'INVALID_SIGNATURE',
  SIGNATURE_EXPIRED: 'TOKEN_EXPIRED',
  SIGNATURE_LIFETIME_EXCEEDED: 'VALID_UNTIL_TOO_FAR',
};

const unknownApiKey = (): ApiError => apiError('INVALID_API_KEY');
export const workspaceMismatch = (): ApiError => apiError('WORKSPACE_MISMATCH');

/** Verifies the signature headers with @tenantdash/core; every failure becomes a 401 ApiError. */
export async function verifySignedRequest(
  request: FastifyRequest,
  store: SandboxStore,
  config: SandboxConfig,
): Promise<VerifiedRequest> {
  // Core folds "unknown key" and "key of another workspace" into SIGNATURE_INVALID; remember which it was.
  let keyProblem: ApiError | undefined;
  const claimedWorkspace = request.headers['x-workspace-id'];
  try {
    return await verifyRequestSignature(request.headers, {
      now: config.now,
      maxLifetimeSeconds: config.maxLifetimeSeconds,
      leewaySeconds: config.leewaySeconds,
      resolveKey: async (apiKeyId) => {
        const key = await store.findKey(apiKeyId);
        if (key === undefined) keyProblem = unknownApiKey();
        else if (key.workspaceId !== claimedWorkspace) keyProblem = workspaceMismatch();
        return key;
      },
    });
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    if (error.code === 'SIGNATURE_INVALID' && keyProblem !== undefined) throw keyProblem;
    throw apiError(SIGNATURE_FAILURES[error.code] ?? 'UNAUTHORIZED');
  }
}
