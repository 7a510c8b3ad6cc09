import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createEmbedToken,
  decodeEmbedToken,
  MAX_EMBED_TOKEN_LENGTH,
  TokenError,
  verifyEmbedToken,
} from '../src/index.js';
import { KNOWN_EMBED_TOKEN, referenceSignature, referenceToken, urlsafeBase64 } from '@tenantdash/test-utils';
import { frozen, KEY, NOW_MS, NOW_S, resolveKey } from './helpers.js';

const TARGET = { tenantId: 'tenant-a', dashboardId: 'dash-1' };

function claimsAt(validUntil: number, overrides: Record<string, string | number> = {}) {
  return {
    api_key_id: KEY.apiKeyId,
    workspace_id: KEY.workspaceId,
    tenant_id: TARGET.tenantId,
    dashboard_id: TARGET.dashboardId,
    valid_until: validUntil,
    signature: referenceSignature(KEY.secretKey, KEY.workspaceId, validUntil),
    ...overrides,
  };
}

async function expectTokenError(promise: Promise<unknown> | (() => unknown), code: string) {
  const settled = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  const error = await settled.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TokenError);
  expect((error as TokenError).code).toBe(code);
}

describe('createEmbedToken', () => {
  it('matches an independently made reference token', async () => {
    const minted = await createEmbedToken({ ...KEY, ...TARGET, ttlSeconds: 600, now: frozen(NOW_MS) });
    expect(minted).toEqual({
      token: referenceToken(claimsAt(NOW_S + 600)),
      dashboard_id: TARGET.dashboardId,
      expires_at: NOW_S + 600,
    });
  });

  it('counts the TTL from the current whole second', async () => {
    const minted = await createEmbedToken({ ...KEY, ...TARGET, now: frozen(NOW_MS + 999) });
    expect(minted.expires_at).toBe(NOW_S + 3600);
  });

  it.each([
    ['an empty secret', { secretKey: '' }],
    ['a secret with leading whitespace', { secretKey: ' sk_x' }],
    ['a secret with a trailing newline', { secretKey: 'sk_x\n' }],
    ['an empty tenant id', { tenantId: '' }],
    ['a tenant id with a control character', { tenantId: 'a\u0000b' }],
    ['a dashboard id with DEL', { dashboardId: 'a\u007fb' }],
    ['a workspace id with a C1 control', { workspaceId: 'ws\u0085' }],
    ['a lone surrogate', { tenantId: 'a\ud800' }],
    ['a 256-character id', { dashboardId: 'd'.repeat(256) }],
    ['a non-string id', { apiKeyId: 42 as unknown as string }],
    ['a zero TTL', { ttlSeconds: 0 }],
    ['a negative TTL', { ttlSeconds: -5 }],
    ['a fractional TTL', { ttlSeconds: 1.5 }],
    ['a NaN TTL', { ttlSeconds: Number.NaN }],
    ['a TTL over the 24 h cap', { ttlSeconds: 86_401 }],
    ['a TTL over a custom cap', { ttlSeconds: 601, maxTtlSeconds: 600 }],
    ['a validUntil in the past', { validUntil: NOW_S - 1 }],
    ['a validUntil equal to now', { validUntil: NOW_S }],
    ['a validUntil beyond the cap', { validUntil: NOW_S + 86_401 }],
    ['both ttlSeconds and validUntil', { ttlSeconds: 60, validUntil: NOW_S + 60 }],
  ])('refuses %s with CONFIG_INVALID', async (_label, override) => {
    const options = { ...KEY, ...TARGET, now: frozen(NOW_MS), ...override } as Parameters<
      typeof createEmbedToken
    >[0];
    const error = await createEmbedToken(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('accepts 255-character ids counted in code points, astral ones included', async () => {
    const astral = '\u{1F600}'.repeat(255);
    const minted = await createEmbedToken({
      ...KEY,
      tenantId: astral,
      dashboardId: 'd'.repeat(255),
      now: frozen(NOW_MS),
    });
    expect(decodeEmbedToken(minted.token).tenant_id).toBe(astral);
  });

  it('refuses ids that would make a token longer than the decoder accepts', async () => {
    const long = '\u{1F600}'.repeat(255);
    const error = await createEmbedToken({
      ...KEY,
      tenantId: long,
      dashboardId: long,
      now: frozen(NOW_MS),
    }).catch((e: unknown) => e);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('never puts the secret in an error message', async () => {
    const error = (await createEmbedToken({ ...KEY, ...TARGET, secretKey: ' leaky-secret' }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).not.toContain('leaky-secret');
  });

  it('refuses a clock that returns nonsense', async () => {
    const error = await createEmbedToken({ ...KEY, ...TARGET, now: () => Number.NaN }).catch(
      (e: unknown) => e,
    );
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });
});

describe('decodeEmbedToken strictness', () => {
  const good = referenceToken(claimsAt(NOW_S + 60));

  it('accepts the reference token', () => {
    expect(decodeEmbedToken(good).valid_until).toBe(NOW_S + 60);
  });

  it('accepts members in another order and without spaces (any JSON a decoder would read)', () => {
    const { signature, ...rest } = claimsAt(NOW_S + 60);
    const reordered = urlsafeBase64(JSON.stringify({ signature, ...rest }));
    expect(decodeEmbedToken(reordered)).toEqual({ signature, ...rest });
  });

  it.each([
    ['an empty string', ''],
    ['a non-string', 12345],
    ['padding removed', good.replace(/=+$/, '')],
    ['extra padding', `${good}==`],
    ['a standard-alphabet +', `+${good.slice(1)}`],
    ['a standard-alphabet /', `/${good.slice(1)}`],
    ['whitespace inside', `${good.slice(0, 8)} ${good.slice(8)}`],
    ['a trailing newline', `${good}\n`],
    ['percent-encoded padding', good.replace(/=/g, '%3D')],
    ['truncation by one character', good.slice(0, -1)],
    ['truncation by four characters', good.slice(0, -4)],
    // '0' and '1' differ only in the two bits that the single '=' leaves unused: both decode to the same bytes.
    ['unused bits set', KNOWN_EMBED_TOKEN.token.replace(/0=$/, '1=')],
    ['a token above the size cap', 'A'.repeat(MAX_EMBED_TOKEN_LENGTH + 4)],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')],
    ['a JSON array', urlsafeBase64('[1, 2]')],
    ['a JSON string', urlsafeBase64('"token"')],
    ['trailing data after the object', urlsafeBase64(`${Buffer.from(good, 'base64url').toString()} x`)],
    ['five claims', urlsafeBase64(JSON.stringify({ ...claimsAt(NOW_S + 60), signature: undefined }))],
    ['a seventh claim', urlsafeBase64(JSON.stringify({ ...claimsAt(NOW_S + 60), admin: 'true' }))],
    [
      'a __proto__ claim',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60)).replace(/}$/, ', "__proto__": {"x": 1}}')),
    ],
    [
      'a duplicate tenant_id',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60)).replace(/}$/, ', "tenant_id": "other"}')),
    ],
    [
      'valid_until as a string',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60, { valid_until: String(NOW_S + 60) }))),
    ],
    [
      'valid_until as a float',
      urlsafeBase64(
        JSON.stringify(claimsAt(NOW_S + 60)).replace(/"valid_until":(\d+)/, '"valid_until":$1.5'),
      ),
    ],
    [
      'valid_until in exponent form',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60)).replace(/"valid_until":\d+/, '"valid_until":1.8e9')),
    ],
    [
      'valid_until beyond a safe integer',
      urlsafeBase64(
        JSON.stringify(claimsAt(NOW_S + 60)).replace(/"valid_until":\d+/, '"valid_until":90071992547409930'),
      ),
    ],
    ['a negative valid_until', urlsafeBase64(JSON.stringify(claimsAt(-1)))],
    [
      'a numeric tenant_id',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60)).replace(/"tenant_id":"[^"]*"/, '"tenant_id":7')),
    ],
    [
      'a null dashboard_id',
      urlsafeBase64(
        JSON.stringify(claimsAt(NOW_S + 60)).replace(/"dashboard_id":"[^"]*"/, '"dashboard_id":null'),
      ),
    ],
    [
      'a nested object',
      urlsafeBase64(
        JSON.stringify(claimsAt(NOW_S + 60)).replace(/"tenant_id":"[^"]*"/, '"tenant_id":{"a":"b"}'),
      ),
    ],
    [
      'an uppercase signature',
      urlsafeBase64(
        JSON.stringify(claimsAt(NOW_S + 60, { signature: claimsAt(NOW_S + 60).signature.toUpperCase() })),
      ),
    ],
    ['a short signature', urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60, { signature: 'abc' })))],
    ['an empty tenant_id', urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60, { tenant_id: '' })))],
    [
      'a control character in an id',
      urlsafeBase64(JSON.stringify(claimsAt(NOW_S + 60, { dashboard_id: 'a\nb' }))),
    ],
  ])('refuses %s with TOKEN_MALFORMED', async (_label, token) => {
    await expectTokenError(() => decodeEmbedToken(token), 'TOKEN_MALFORMED');
  });
});

describe('verifyEmbedToken', () => {
  const verify = (token: string, nowMs = NOW_MS, extra = {}) =>
    verifyEmbedToken(token, { resolveKey, now: frozen(nowMs), ...extra });

  it('returns the claims of a good token', async () => {
    const { token } = await createEmbedToken({ ...KEY, ...TARGET, now: frozen(NOW_MS) });
    await expect(verify(token)).resolves.toMatchObject({ tenant_id: 'tenant-a', dashboard_id: 'dash-1' });
  });

  it('awaits an async key resolver', async () => {
    const { token } = await createEmbedToken({ ...KEY, ...TARGET, now: frozen(NOW_MS) });
    const claims = await verifyEmbedToken(token, {
      resolveKey: async (id) => resolveKey(id),
      now: frozen(NOW_MS),
    });
    expect(claims.api_key_id).toBe(KEY.apiKeyId);
  });

  describe('expiry, one second either side', () => {
    const validUntil = NOW_S + 100;
    const token = referenceToken(claimsAt(validUntil));

    it('is valid one second before valid_until', async () => {
      await expect(verify(token, (validUntil - 1) * 1000)).resolves.toBeDefined();
    });
    it('is valid at valid_until itself', async () => {
      await expect(verify(token, validUntil * 1000)).resolves.toBeDefined();
    });
    it('has expired one second after valid_until', async () => {
      await expectTokenError(verify(token, (validUntil + 1) * 1000), 'TOKEN_EXPIRED');
    });
    it('has expired one millisecond after valid_until', async () => {
      await expectTokenError(verify(token, validUntil * 1000 + 1), 'TOKEN_EXPIRED');
    });
    it('forgives leeway for a late clock, and no more', async () => {
      await expect(verify(token, (validUntil + 5) * 1000, { leewaySeconds: 5 })).resolves.toBeDefined();
      await expectTokenError(verify(token, (validUntil + 6) * 1000, { leewaySeconds: 5 }), 'TOKEN_EXPIRED');
    });
  });

  describe('lifetime cap, one second either side', () => {
    it('accepts valid_until exactly maxLifetimeSeconds ahead', async () => {
      await expect(
        verify(referenceToken(claimsAt(NOW_S + 3600)), NOW_MS, { maxLifetimeSeconds: 3600 }),
      ).resolves.toBeDefined();
    });
    it('refuses valid_until one second beyond the cap', async () => {
      await expectTokenError(
        verify(referenceToken(claimsAt(NOW_S + 3601)), NOW_MS, { maxLifetimeSeconds: 3600 }),
        'TOKEN_LIFETIME_EXCEEDED',
      );
    });
    it('applies a 24 h cap by default', async () => {
      await expect(verify(referenceToken(claimsAt(NOW_S + 86_400)))).resolves.toBeDefined();
      await expectTokenError(verify(referenceToken(claimsAt(NOW_S + 86_401))), 'TOKEN_LIFETIME_EXCEEDED');
    });
  });

  it('refuses the no-separator forgery: ("ws_7", t) re-split as ("ws_", "7" + t)', async () => {
    // The attacker holds a genuine token for workspace "ws_7" and moves the 7 into valid_until.
    const genuine = { secretKey: KEY.secretKey, workspaceId: 'ws_7' };
    const forged = referenceToken({
      ...claimsAt(0),
      workspace_id: 'ws_',
      valid_until: Number(`7${NOW_S + 60}`),
      signature: referenceSignature(KEY.secretKey, 'ws_7', NOW_S + 60),
    });
    // Even a resolver that (wrongly) binds the key to the shortened workspace is saved by the lifetime cap.
    const lax = () => ({ ...genuine, workspaceId: 'ws_' });
    await expectTokenError(
      verifyEmbedToken(forged, { resolveKey: lax, now: frozen(NOW_MS) }),
      'TOKEN_LIFETIME_EXCEEDED',
    );
    await expectTokenError(
      verifyEmbedToken(forged, { resolveKey: () => genuine, now: frozen(NOW_MS) }),
      'TOKEN_INVALID',
    );
  });

  it.each([
    ['an unknown key', { api_key_id: 'ak_other' }],
    ['a workspace the key does not belong to', { workspace_id: 'ws_other' }],
    [
      'a signature made with another secret',
      { signature: referenceSignature('sk_wrong', KEY.workspaceId, NOW_S + 60) },
    ],
    [
      'a signature over another valid_until',
      { signature: referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 61) },
    ],
    ['a bumped valid_until', { valid_until: NOW_S + 120 }],
  ])('refuses %s with TOKEN_INVALID', async (_label, override) => {
    await expectTokenError(verify(referenceToken(claimsAt(NOW_S + 60, override))), 'TOKEN_INVALID');
  });

  it('never reveals the expected signature in its message', async () => {
    const expected = referenceSignature(KEY.secretKey, KEY.workspaceId, NOW_S + 60);
    const tampered = referenceToken(claimsAt(NOW_S + 60, { signature: '0'.repeat(64) }));
    const error = (await verify(tampered).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(expected);
    expect(error.message).not.toContain(KEY.secretKey);
  });

  it('refuses a missing resolveKey as CONFIG_INVALID', async () => {
    const error = await verifyEmbedToken('x', {} as never).catch((e: unknown) => e);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });
});

describe('createEmbedToken signatures, minted again and again', () => {
  it('always match the reference, whatever secret, workspace and second follow each other', async () => {
    // More combinations than the remembered ones; each workspace and second under two secrets in a row.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        const secretKey = `secret-${i % 2}`;
        const workspaceId = `ws-${(i >> 1) % 5}`;
        const validUntil = 1_800_000_000 + ((i >> 1) % 97);
        const token = await createEmbedToken({
          apiKeyId: 'ak',
          secretKey,
          workspaceId,
          tenantId: 't',
          dashboardId: 'd',
          validUntil,
          now: () => 1_799_999_000_000,
        });
        expect(decodeEmbedToken(token.token).signature).toBe(
          referenceSignature(secretKey, workspaceId, validUntil),
        );
      }
    }
  });
});
