// One way to build the app in tests, and requests and tokens made with Papermap's reference algorithm from
// @tenantdash/test-utils (independent of @tenantdash/core, so the sandbox is checked against the protocol, not
// against itself).
import {
  referenceSignature,
  referenceToken as encodeReferenceToken,
  type VectorCase,
} from '@tenantdash/test-utils';
import type { FastifyInstance } from 'fastify';
import { buildSandbox, SANDBOX_SEED, type SandboxConfig } from '../src/index.js';

export const NOW_MS = Date.UTC(2026, 2, 15, 12, 0, 0); // 2026-03-15T12:00:00Z
export const ADMIN_TOKEN = 'test-admin-token-0001';

export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = NOW_MS): TestClock {
  let current = start;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export async function buildTestSandbox(
  options: Partial<SandboxConfig> = {},
): Promise<{ app: FastifyInstance; clock: TestClock }> {
  const clock = testClock();
  const app = await buildSandbox({
    databasePath: ':memory:',
    adminToken: ADMIN_TOKEN,
    now: clock.now,
    ...options,
  });
  return { app, clock };
}

export interface SignInput {
  apiKeyId?: string;
  secret?: string;
  workspaceId?: string;
  validUntil?: number;
  tenantId?: string;
}

/** Signed headers as Papermap's docs describe them (section 2). */
export function signedHeaders(input: SignInput = {}): Record<string, string> {
  const apiKeyId = input.apiKeyId ?? SANDBOX_SEED.apiKeyId;
  const secret = input.secret ?? SANDBOX_SEED.secretKey;
  const workspaceId = input.workspaceId ?? SANDBOX_SEED.workspaceId;
  const validUntil = input.validUntil ?? Math.floor(NOW_MS / 1000) + 300;
  const headers: Record<string, string> = {
    'X-API-Key-ID': apiKeyId,
    'X-Workspace-ID': workspaceId,
    'X-Valid-Until': String(validUntil),
    'X-Signature': referenceSignature(secret, workspaceId, validUntil),
    'Content-Type': 'application/json',
  };
  if (input.tenantId !== undefined) headers['X-Tenant-ID'] = input.tenantId;
  return headers;
}

export interface TokenInput {
  apiKeyId?: string;
  secret?: string;
  workspaceId?: string;
  tenantId: string;
  dashboardId: string;
  validUntil?: number;
}

/** An embed token made the way Papermap's Python reference does (section 3), for the seeded demo key. */
export function referenceToken(input: TokenInput): string {
  const workspaceId = input.workspaceId ?? SANDBOX_SEED.workspaceId;
  const validUntil = input.validUntil ?? Math.floor(NOW_MS / 1000) + 3600;
  return encodeReferenceToken({
    api_key_id: input.apiKeyId ?? SANDBOX_SEED.apiKeyId,
    workspace_id: workspaceId,
    tenant_id: input.tenantId,
    dashboard_id: input.dashboardId,
    valid_until: validUntil,
    signature: referenceSignature(input.secret ?? SANDBOX_SEED.secretKey, workspaceId, validUntil),
  });
}

export function embedUrl(token: string, workspaceId: string, dashboardId: string, debug = false): string {
  const params = new URLSearchParams({
    'embedded-token': token,
    'workspace-id': workspaceId,
    'dashboard-id': dashboardId,
  });
  if (debug) params.set('debug', 'true');
  return `/embedded/dashboard?${params.toString()}`;
}

export async function createDashboard(
  app: FastifyInstance,
  title = 'Revenue overview',
  sign: SignInput = {},
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/external/dashboards',
    headers: signedHeaders(sign),
    payload: { workspace_id: sign.workspaceId ?? SANDBOX_SEED.workspaceId, title, description: null },
  });
  if (response.statusCode !== 200) throw new Error(`create failed: ${response.statusCode} ${response.body}`);
  return (response.json() as { data: { dashboard_id: string } }).data.dashboard_id;
}

/** Each vector case as a configured workspace holding its key and its dashboard. */
export function vectorWorkspaces(cases: VectorCase[]): SandboxConfig['workspaces'] {
  return cases.map((c) => ({
    id: c.workspace_id,
    apiKeys: [{ id: c.api_key_id, secret: c.secret }],
    allowedOrigins: [],
    dashboards: [{ id: c.dashboard_id, title: `Vector ${c.workspace_id}` }],
  }));
}

/** The payload of a test that wants to know nothing was stored. */
export async function dashboardCount(
  app: FastifyInstance,
  workspaceId: string = SANDBOX_SEED.workspaceId,
): Promise<number> {
  const response = await app.inject({
    method: 'GET',
    url: `/__sandbox/dashboards?workspace_id=${encodeURIComponent(workspaceId)}`,
    headers: { 'x-sandbox-admin-token': ADMIN_TOKEN },
  });
  return (response.json() as { count: number }).count;
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the sandbox is not listening on a port');
  return `http://127.0.0.1:${address.port}`;
}
