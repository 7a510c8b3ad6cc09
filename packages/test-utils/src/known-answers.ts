// The known answers every implementation here is tested against (docs/papermap-protocol.md, section 8).
import vectors from '../vectors/embed-tokens.json' with { type: 'json' };

/** Section 8, request signature: this secret, workspace and valid_until sign to `signature`. */
export const KNOWN_REQUEST_SIGNATURE = Object.freeze({
  secretKey: 'kit-test-secret-0000000000000000',
  workspaceId: 'ws_7',
  validUntil: 1700000000,
  signature: 'e1b0e75bbc94587d998b546921ba6ccfd636048b5e18469d1f90068a82fe6ecd',
});

/** Section 8, embed token: these claims encode to `token`, byte for byte. */
export const KNOWN_EMBED_TOKEN = Object.freeze({
  apiKeyId: 'ak_test',
  secretKey: 'sk_test_secret',
  workspaceId: 'workspace-456',
  tenantId: 'org-123',
  dashboardId: 'dash-789',
  validUntil: 1699999999,
  signature: '0ed4a9a391836f781c21351395cae21bb0f1dba2b79003e02dbc3b6fa796fdde',
  token:
    'eyJhcGlfa2V5X2lkIjogImFrX3Rlc3QiLCAid29ya3NwYWNlX2lkIjogIndvcmtzcGFjZS00NTYiLCAidGVuYW50X2lkIjogIm9yZy0xMjMiLCAiZGFzaGJvYXJkX2lkIjogImRhc2gtNzg5IiwgInZhbGlkX3VudGlsIjogMTY5OTk5OTk5OSwgInNpZ25hdHVyZSI6ICIwZWQ0YTlhMzkxODM2Zjc4MWMyMTM1MTM5NWNhZTIxYmIwZjFkYmEyYjc5MDAzZTAyZGJjM2I2ZmE3OTZmZGRlIn0=',
});

/** One of the shared vectors: its inputs, its token and the X-Signature for the same workspace and expiry. */
export interface VectorCase {
  api_key_id: string;
  secret: string;
  workspace_id: string;
  tenant_id: string;
  dashboard_id: string;
  valid_until: number;
  token: string;
  signature: string;
}

/** Section 8, non-ASCII and astral ids: every case is valid at `now_ms`. */
export const VECTORS: { about: string; now_ms: number; cases: VectorCase[] } = vectors;
