import { describe, expect, it } from 'vitest';
import { ConfigError, SignatureError, signRequest, verifyRequestSignature } from '../src/index.js';
import { referenceSignature } from '@tenantdash/test-utils';
import { frozen, KEY, NOW_MS, NOW_S, resolveKey } from './helpers.js';

function headersAt(
  validUntil: number | string,
  overrides: Record<string, string | string[] | undefined> = {},
) {
  return {
    'x-api-key-id': KEY.apiKeyId,
    'x-workspace-id': KEY.workspaceId,
    'x-valid-until': String(validUntil),
    'x-signature': referenceSignature(KEY.secretKey, KEY.workspaceId, validUntil),
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SignatureError);
  return (error as SignatureError).code;
}

const verify = (headers: Parameters<typeof verifyRequestSignature>[0], nowMs = NOW_MS, extra = {}) =>
  verifyRequestSignature(headers, { resolveKey, now: frozen(nowMs), ...extra });

describe('signRequest', () => {
  it('signs workspace + valid_until, 300 s ahead by default', async () => {
    const headers = await signRequest({ ...KEY, now: frozen(NOW_MS + 999) });
    expect(headers).toEqual({
      'X-API-Key-ID': KEY.apiKeyId,
      'X-Workspace-ID': KEY.workspaceId,
      'X-Valid-Until': String(NOW_S + 300),
      'X-Signature': referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 300),
    });
  });

  it('adds X-Tenant-ID, unsigned, when given', async () => {
    const headers = await signRequest({ ...KEY, tenantId: 'org-1', ttlSeconds: 60, now: frozen(NOW_MS) });
    expect(headers['X-Tenant-ID']).toBe('org-1');
    expect(headers['X-Signature']).toBe(referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 60));
  });

  it.each([
    ['an empty secret', { secretKey: '' }],
    ['a padded secret', { secretKey: 'sk_x ' }],
    ['an empty key id', { apiKeyId: '' }],
    ['a workspace id with a newline', { workspaceId: 'ws\n1' }],
    ['a tenant id of 256 characters', { tenantId: 't'.repeat(256) }],
    ['a fractional TTL', { ttlSeconds: 0.5 }],
    ['a TTL above 24 h', { ttlSeconds: 86_401 }],
    ['a string TTL', { ttlSeconds: '300' as unknown as number }],
  ])('refuses %s with CONFIG_INVALID', async (_label, override) => {
    const error = await signRequest({ ...KEY, now: frozen(NOW_MS), ...override }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect((error as Error).message).not.toContain('sk_');
  });

  it('round-trips through verifyRequestSignature', async () => {
    const headers = await signRequest({ ...KEY, tenantId: 'org-1', now: frozen(NOW_MS) });
    await expect(verify(headers)).resolves.toEqual({
      apiKeyId: KEY.apiKeyId,
      workspaceId: KEY.workspaceId,
      validUntil: NOW_S + 300,
      tenantId: 'org-1',
    });
  });
});

describe('verifyRequestSignature', () => {
  it('reads a Fetch Headers object', async () => {
    await expect(verify(new Headers(headersAt(NOW_S + 60)))).resolves.toMatchObject({
      validUntil: NOW_S + 60,
    });
  });

  it('reads header names in any letter case', async () => {
    const upper = Object.fromEntries(
      Object.entries(headersAt(NOW_S + 60)).map(([k, v]) => [k.toUpperCase(), v]),
    );
    await expect(verify(upper)).resolves.toMatchObject({ apiKeyId: KEY.apiKeyId });
  });

  it('is valid at valid_until and one second before it, expired one second after', async () => {
    const headers = headersAt(NOW_S + 60);
    await expect(verify(headers, (NOW_S + 59) * 1000)).resolves.toBeDefined();
    await expect(verify(headers, (NOW_S + 60) * 1000)).resolves.toBeDefined();
    expect(await codeOf(verify(headers, (NOW_S + 61) * 1000))).toBe('SIGNATURE_EXPIRED');
  });

  it('caps how far ahead valid_until may be, one second either side', async () => {
    await expect(verify(headersAt(NOW_S + 300), NOW_MS, { maxLifetimeSeconds: 300 })).resolves.toBeDefined();
    expect(await codeOf(verify(headersAt(NOW_S + 301), NOW_MS, { maxLifetimeSeconds: 300 }))).toBe(
      'SIGNATURE_LIFETIME_EXCEEDED',
    );
  });

  it('refuses the no-separator forgery ("ws_unit" + t re-split as "ws_uni" + "t" + t)', async () => {
    // The same MAC input, re-split: any workspace ending in a letter cannot be shifted into a number, so
    // use a workspace ending in a digit, bound to the same key.
    const key = { secretKey: KEY.secretKey, workspaceId: 'ws_7' };
    const forged = {
      'x-api-key-id': KEY.apiKeyId,
      'x-workspace-id': 'ws_',
      'x-valid-until': `7${NOW_S + 60}`,
      'x-signature': referenceSignature(KEY.secretKey, 'ws_7', NOW_S + 60),
    };
    const lax = () => ({ ...key, workspaceId: 'ws_' });
    expect(await codeOf(verifyRequestSignature(forged, { resolveKey: lax, now: frozen(NOW_MS) }))).toBe(
      'SIGNATURE_LIFETIME_EXCEEDED',
    );
    expect(await codeOf(verifyRequestSignature(forged, { resolveKey: () => key, now: frozen(NOW_MS) }))).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it('refuses the zero-digit variant of the forgery, which the lifetime cap alone would not catch', async () => {
    // ("ws_0", "1800000060") re-split as ("ws_", "01800000060"): same MAC input, same number of seconds.
    const forged = {
      'x-api-key-id': KEY.apiKeyId,
      'x-workspace-id': 'ws_',
      'x-valid-until': `0${NOW_S + 60}`,
      'x-signature': referenceSignature(KEY.secretKey, 'ws_0', NOW_S + 60),
    };
    const lax = () => ({ secretKey: KEY.secretKey, workspaceId: 'ws_' });
    expect(await codeOf(verifyRequestSignature(forged, { resolveKey: lax, now: frozen(NOW_MS) }))).toBe(
      'SIGNATURE_MALFORMED',
    );
  });

  it.each([
    ['X-API-Key-ID', { 'x-api-key-id': undefined }],
    ['X-Workspace-ID', { 'x-workspace-id': undefined }],
    ['X-Valid-Until', { 'x-valid-until': undefined }],
    ['X-Signature', { 'x-signature': undefined }],
    ['an empty X-Signature', { 'x-signature': '' }],
  ])('refuses a request without %s as SIGNATURE_MISSING', async (_label, override) => {
    expect(await codeOf(verify(headersAt(NOW_S + 60, override)))).toBe('SIGNATURE_MISSING');
  });

  it.each([
    [
      'an uppercase signature',
      { 'x-signature': referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 60).toUpperCase() },
    ],
    ['a 63-character signature', { 'x-signature': 'a'.repeat(63) }],
    ['a 65-character signature', { 'x-signature': 'a'.repeat(65) }],
    ['a non-hex signature', { 'x-signature': 'g'.repeat(64) }],
    ['a decimal valid_until with a fraction', { 'x-valid-until': `${NOW_S + 60}.0` }],
    ['a valid_until with a sign', { 'x-valid-until': `+${NOW_S + 60}` }],
    ['a valid_until with spaces', { 'x-valid-until': ` ${NOW_S + 60}` }],
    ['a hex valid_until', { 'x-valid-until': '0x6b49d200' }],
    ['a valid_until beyond a safe integer', { 'x-valid-until': '99999999999999999' }],
    ['a repeated header', { 'x-signature': ['a'.repeat(64), 'b'.repeat(64)] }],
    ['a tenant id with a control character', { 'x-tenant-id': 'org\u0001' }],
    ['a workspace id longer than 255 characters', { 'x-workspace-id': 'w'.repeat(256) }],
  ])('refuses %s as SIGNATURE_MALFORMED', async (_label, override) => {
    expect(await codeOf(verify(headersAt(NOW_S + 60, override)))).toBe('SIGNATURE_MALFORMED');
  });

  it.each([
    ['an unknown key', { 'x-api-key-id': 'ak_nobody' }],
    ['a key used for another workspace', { 'x-workspace-id': 'ws_other' }],
    [
      'a signature by another secret',
      { 'x-signature': referenceSignature('sk_other', KEY.workspaceId, NOW_S + 60) },
    ],
    ['a moved valid_until', { 'x-valid-until': String(NOW_S + 61) }],
  ])('refuses %s as SIGNATURE_INVALID', async (_label, override) => {
    expect(await codeOf(verify(headersAt(NOW_S + 60, override)))).toBe('SIGNATURE_INVALID');
  });

  it('keeps the expected signature and the secret out of its messages', async () => {
    const expected = referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 60);
    const error = (await verify(headersAt(NOW_S + 60, { 'x-signature': 'f'.repeat(64) })).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).not.toContain(expected);
    expect(error.message).not.toContain(KEY.secretKey);
  });
});
