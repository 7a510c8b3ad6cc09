// Core's own test fixtures: a key, a frozen clock. Papermap's reference encoder and the known answers are
// shared with the sandbox's tests, in @tenantdash/test-utils.

export const KEY = {
  apiKeyId: 'ak_unit',
  secretKey: 'sk_unit_secret_0123456789',
  workspaceId: 'ws_unit',
} as const;
export const NOW_MS = 1_800_000_000_000;
export const NOW_S = NOW_MS / 1000;
export const frozen = (ms: number) => () => ms;

export const resolveKey = (id: string) =>
  id === KEY.apiKeyId ? { secretKey: KEY.secretKey, workspaceId: KEY.workspaceId } : undefined;
