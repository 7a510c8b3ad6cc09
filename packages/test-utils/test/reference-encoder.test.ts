// The reference encoder is what the other packages' tests trust: it must itself reproduce the known answers
// of docs/papermap-protocol.md section 8.
import { describe, expect, it } from 'vitest';
import {
  KNOWN_EMBED_TOKEN,
  KNOWN_REQUEST_SIGNATURE,
  pythonJsonString,
  referenceSignature,
  referenceToken,
  VECTORS,
} from '../src/index.js';

describe('the reference encoder', () => {
  it('signs the known-answer request', () => {
    const { secretKey, workspaceId, validUntil, signature } = KNOWN_REQUEST_SIGNATURE;
    expect(referenceSignature(secretKey, workspaceId, validUntil)).toBe(signature);
  });

  it('encodes the known-answer token byte for byte', () => {
    const known = KNOWN_EMBED_TOKEN;
    const signature = referenceSignature(known.secretKey, known.workspaceId, known.validUntil);
    expect(signature).toBe(known.signature);
    expect(
      referenceToken({
        api_key_id: known.apiKeyId,
        workspace_id: known.workspaceId,
        tenant_id: known.tenantId,
        dashboard_id: known.dashboardId,
        valid_until: known.validUntil,
        signature,
      }),
    ).toBe(known.token);
  });

  it.each(VECTORS.cases.map((vector, index) => ({ index, vector })))(
    'reproduces shared vector $index (token and signature)',
    ({ vector }) => {
      const signature = referenceSignature(vector.secret, vector.workspace_id, vector.valid_until);
      expect(signature).toBe(vector.signature);
      expect(
        referenceToken({
          api_key_id: vector.api_key_id,
          workspace_id: vector.workspace_id,
          tenant_id: vector.tenant_id,
          dashboard_id: vector.dashboard_id,
          valid_until: vector.valid_until,
          signature,
        }),
      ).toBe(vector.token);
    },
  );

  it('escapes as Python json.dumps does: controls, DEL, non-ASCII and lone surrogates', () => {
    expect(pythonJsonString('a"\\\n\u0001\u007fé\ud83d\ude00\ud800')).toBe(
      '"a\\"\\\\\\n\\u0001\\u007f\\u00e9\\ud83d\\ude00\\ud800"',
    );
  });
});
