import { SignatureError, verifyRequestSignature, type VerifiedRequest } from '@tenantdash/core';
import type { FastifyRequest } from 'fastify';
import type { SandboxConfig } from './config.js';
import type { SandboxStore } from './db/store.js';
import { ApiError } from './errors.js';

/**
 * Papermap answers every authentication failure with 401 and `{ error, code, status }`. Only the
 * expired case is documented (`Token expired` / TOKEN_EXPIRED); the other codes are the sandbox's own.
 */
const SIGNATURE_FAILURES: Record<string, [code: string, message: string]> = {
  SIGNATURE_MISSING: ['MISSING_AUTH_HEADERS', 'Missing authentication headers'],
  SIGNATURE_MALFORMED: ['MALFORMED_AUTH_HEADERS', 'Malformed authentication headers'],
  SIGNATURE_INVALID: ['INVALID_SIGNATURE', 'Invalid signature'],
  SIGNATURE_EXPIRED: ['TOKEN_EXPIRED', 'Token expired'],
  SIGNATURE_LIFETIME_EXCEEDED: ['VALID_UNTIL_TOO_FAR', 'Signature validity exceeds the allowed lifetime'],
};

const unknownApiKey = (): ApiError => new ApiError(401, 'INVALID_API_KEY', 'Invalid API key');
export const workspaceMismatch = (): ApiError =>
  new ApiError(401, 'WORKSPACE_MISMATCH', 'API key is not valid for this workspace');

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
    const [code, message] = SIGNATURE_FAILURES[error.code] ?? ['UNAUTHORIZED', 'Unauthorized'];
    throw new ApiError(401, code, message);
  }
}
