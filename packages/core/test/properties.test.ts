// Property tests: round trips for arbitrary valid input (non-ASCII and astral included), tamper detection,
// and total functions that only ever fail with the typed errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEmbedToken,
  decodeEmbedToken,
  TenantDashError,
  verifyEmbedToken,
  verifyRequestSignature,
} from '../src/index.js';
import { referenceToken } from '@tenantdash/test-utils';

const NOW_MS = 1_800_000_000_000;
const now = () => NOW_MS;

// Any id the signer accepts: 1..60 code points, no control characters, no lone surrogates.
const id = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  // eslint-disable-next-line no-control-regex -- the signer refuses control characters
  .filter((value) => !/[\u0000-\u001f\u007f-\u009f]/.test(value) && value.length > 0);
const secret = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
  .filter((value) => value.trim() === value && value.length > 0);
const input = fc.record({
  apiKeyId: id,
  secretKey: secret,
  workspaceId: id,
  tenantId: id,
  dashboardId: id,
  ttlSeconds: fc.integer({ min: 1, max: 86_400 }),
});

describe('properties', () => {
  it('verify(create(x)) gives x back', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (x) => {
        const { token, expires_at } = await createEmbedToken({ ...x, now });
        const claims = await verifyEmbedToken(token, {
          resolveKey: (keyId) =>
            keyId === x.apiKeyId ? { secretKey: x.secretKey, workspaceId: x.workspaceId } : undefined,
          now,
        });
        expect(claims).toMatchObject({
          api_key_id: x.apiKeyId,
          workspace_id: x.workspaceId,
          tenant_id: x.tenantId,
          dashboard_id: x.dashboardId,
          valid_until: expires_at,
        });
        expect(expires_at).toBe(NOW_MS / 1000 + x.ttlSeconds);
      }),
      { numRuns: 300 },
    );
  });

  it('create(x) is byte-identical to an independent reference encoder', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (x) => {
        const { token } = await createEmbedToken({ ...x, now });
        const claims = decodeEmbedToken(token);
        expect(token).toBe(referenceToken({ ...claims }));
      }),
      { numRuns: 200 },
    );
  });

  it('any change to a signed field is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(input, id, fc.integer({ min: 1, max: 1000 }), async (x, otherWorkspace, shift) => {
        fc.pre(otherWorkspace !== x.workspaceId);
        const { token } = await createEmbedToken({ ...x, now });
        const claims = decodeEmbedToken(token);
        const resolveKey = () => ({ secretKey: x.secretKey, workspaceId: x.workspaceId });
        for (const tampered of [
          { ...claims, valid_until: claims.valid_until - shift },
          { ...claims, workspace_id: otherWorkspace },
        ]) {
          const error = await verifyEmbedToken(referenceToken(tampered), { resolveKey, now }).catch(
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(TenantDashError);
          expect((error as TenantDashError).code).toBe('TOKEN_INVALID');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('any changed character of a token is rejected', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. ';
    await fc.assert(
      fc.asyncProperty(input, fc.nat(), fc.nat(), async (x, position, replacement) => {
        const { token } = await createEmbedToken({ ...x, now });
        const index = position % token.length;
        const char = alphabet[replacement % alphabet.length] as string;
        fc.pre(token[index] !== char);
        const changed = token.slice(0, index) + char + token.slice(index + 1);
        const resolveKey = (keyId: string) =>
          keyId === x.apiKeyId ? { secretKey: x.secretKey, workspaceId: x.workspaceId } : undefined;
        const outcome = await verifyEmbedToken(changed, { resolveKey, now }).then(
          (claims) => claims,
          (e: unknown) => e,
        );
        // A changed character that survives verification either lands in tenant_id/dashboard_id, which the
        // MAC does not cover (docs/papermap-protocol.md 7.1: the caller's own records refuse it), or respells
        // the same JSON (an escape's hex digits in the other case), which Papermap's json.loads reads the same
        // way too.
        if (outcome instanceof TenantDashError) return;
        const original = decodeEmbedToken(token);
        const { tenant_id: _t1, dashboard_id: _d1, ...signedOutcome } = outcome as typeof original;
        const { tenant_id: _t2, dashboard_id: _d2, ...signedOriginal } = original;
        expect(signedOutcome).toEqual(signedOriginal);
      }),
      { numRuns: 400 },
    );
  });

  it('decode and verify only ever throw the typed error on arbitrary strings', async () => {
    const resolveKey = () => ({ secretKey: 'sk', workspaceId: 'ws' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.base64String({ maxLength: 400 }),
          fc.string({ unit: fc.constantFrom(...'eyJABC0123_-='), maxLength: 200 }),
          fc.json().map((json) => Buffer.from(json).toString('base64url')),
          fc
            .json()
            .map((json) => Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')),
        ),
        async (text) => {
          for (const attempt of [
            () => decodeEmbedToken(text),
            () => verifyEmbedToken(text, { resolveKey, now }),
          ]) {
            const error = await Promise.resolve()
              .then(attempt)
              .then(
                () => undefined,
                (e: unknown) => e,
              );
            if (error !== undefined) expect(error).toBeInstanceOf(TenantDashError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('request verification only ever throws the typed error on arbitrary headers', async () => {
    const resolveKey = () => ({ secretKey: 'sk', workspaceId: 'ws' });
    const header = fc.option(fc.string({ unit: 'binary', maxLength: 80 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(fc.tuple(header, header, header, header, header), async ([a, b, c, d, e]) => {
        const headers = {
          'x-api-key-id': a,
          'x-workspace-id': b,
          'x-valid-until': c,
          'x-signature': d,
          'x-tenant-id': e,
        };
        const error = await verifyRequestSignature(headers, { resolveKey, now }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        if (error !== undefined) expect(error).toBeInstanceOf(TenantDashError);
      }),
      { numRuns: 1000 },
    );
  });
});
