// The known answers of docs/papermap-protocol.md section 8 (the shared vectors are in @tenantdash/test-utils):
// the wire format is pinned byte for byte.
import { describe, expect, it } from 'vitest';
import {
  createEmbedToken,
  decodeEmbedToken,
  signRequest,
  verifyEmbedToken,
  verifyRequestSignature,
} from '../src/index.js';
import { KNOWN_EMBED_TOKEN, VECTORS as vectors } from '@tenantdash/test-utils';

describe('docs/papermap-protocol.md section 8: the request signature known answer (section 2)', () => {
  it('signs ws_7 at 1700000000 to the documented MAC', async () => {
    const headers = await signRequest({
      apiKeyId: 'ak_x',
      secretKey: 'kit-test-secret-0000000000000000',
      workspaceId: 'ws_7',
      ttlSeconds: 300,
      now: () => (1700000000 - 300) * 1000,
    });
    expect(headers).toEqual({
      'X-API-Key-ID': 'ak_x',
      'X-Workspace-ID': 'ws_7',
      'X-Valid-Until': '1700000000',
      'X-Signature': 'e1b0e75bbc94587d998b546921ba6ccfd636048b5e18469d1f90068a82fe6ecd',
    });
  });
});

describe('docs/papermap-protocol.md section 8: the embed token known answer (section 3)', () => {
  const options = {
    apiKeyId: 'ak_test',
    secretKey: 'sk_test_secret',
    workspaceId: 'workspace-456',
    tenantId: 'org-123',
    dashboardId: 'dash-789',
  };

  it('encodes the documented token byte for byte', async () => {
    const minted = await createEmbedToken({ ...options, validUntil: 1699999999, now: () => 1699996399000 });
    expect(minted).toEqual({
      token: KNOWN_EMBED_TOKEN.token,
      dashboard_id: 'dash-789',
      expires_at: 1699999999,
    });
  });

  it('reaches the same token from the default one-hour TTL', async () => {
    const minted = await createEmbedToken({ ...options, now: () => (1699999999 - 3600) * 1000 + 999 });
    expect(minted.token).toBe(KNOWN_EMBED_TOKEN.token);
  });

  it('decodes the documented token to its claims and signature', () => {
    expect(decodeEmbedToken(KNOWN_EMBED_TOKEN.token)).toEqual({
      api_key_id: 'ak_test',
      workspace_id: 'workspace-456',
      tenant_id: 'org-123',
      dashboard_id: 'dash-789',
      valid_until: 1699999999,
      signature: '0ed4a9a391836f781c21351395cae21bb0f1dba2b79003e02dbc3b6fa796fdde',
    });
  });
});

describe('shared vectors (non-ASCII and astral ids)', () => {
  for (const [index, vector] of vectors.cases.entries()) {
    describe(`case ${index}`, () => {
      const resolveKey = (id: string) =>
        id === vector.api_key_id ? { secretKey: vector.secret, workspaceId: vector.workspace_id } : undefined;

      it('creates the expected token', async () => {
        const minted = await createEmbedToken({
          apiKeyId: vector.api_key_id,
          secretKey: vector.secret,
          workspaceId: vector.workspace_id,
          tenantId: vector.tenant_id,
          dashboardId: vector.dashboard_id,
          validUntil: vector.valid_until,
          now: () => vectors.now_ms,
        });
        expect(minted.token).toBe(vector.token);
        expect(minted.expires_at).toBe(vector.valid_until);
      });

      it('verifies the expected token back to its inputs', async () => {
        const claims = await verifyEmbedToken(vector.token, { resolveKey, now: () => vectors.now_ms });
        expect(claims).toEqual({
          api_key_id: vector.api_key_id,
          workspace_id: vector.workspace_id,
          tenant_id: vector.tenant_id,
          dashboard_id: vector.dashboard_id,
          valid_until: vector.valid_until,
          signature: vector.signature,
        });
      });

      it('accepts the expected request signature', async () => {
        const headers = {
          'x-api-key-id': vector.api_key_id,
          'x-workspace-id': vector.workspace_id,
          'x-valid-until': String(vector.valid_until),
          'x-signature': vector.signature,
        };
        await expect(
          verifyRequestSignature(headers, { resolveKey, now: () => vectors.now_ms }),
        ).resolves.toEqual({
          apiKeyId: vector.api_key_id,
          workspaceId: vector.workspace_id,
          validUntil: vector.valid_until,
        });
      });
    });
  }
});
