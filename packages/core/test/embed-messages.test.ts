import { describe, expect, it } from 'vitest';
import {
  EMBED_MESSAGE_PREFIX,
  EMBED_MESSAGE_VERSION,
  readEmbedPageMessage,
  readErrorCode,
  setTokenMessage,
} from '../src/index.js';

const message = (name: string, fields: Record<string, unknown> = {}) => ({
  type: `tenantdash:${name}`,
  version: 1,
  ...fields,
});

describe('the postMessage protocol', () => {
  it('is version 1 of tenantdash: messages', () => {
    expect(EMBED_MESSAGE_PREFIX).toBe('tenantdash:');
    expect(EMBED_MESSAGE_VERSION).toBe(1);
  });

  it('builds set-token with the wire names', () => {
    expect(setTokenMessage('tok', 1_700_000_000)).toEqual({
      type: 'tenantdash:set-token',
      version: 1,
      token: 'tok',
      expires_at: 1_700_000_000,
    });
  });
});

describe('readEmbedPageMessage', () => {
  it('reads each page message into camelCase fields', () => {
    expect(
      readEmbedPageMessage(message('ready', { dashboard_id: 'd', expires_at: 5, height: 480 })),
    ).toMatchObject({ type: 'tenantdash:ready', height: 480 });
    expect(readEmbedPageMessage(message('resize', { height: 300.2 }))).toMatchObject({
      type: 'tenantdash:resize',
      height: 301,
    });
    expect(readEmbedPageMessage(message('token-expiring', { expires_at: 5, seconds_left: 1 }))).toMatchObject(
      {
        type: 'tenantdash:token-expiring',
        expiresAt: 5,
      },
    );
    expect(readEmbedPageMessage(message('token-expired'))).toMatchObject({
      type: 'tenantdash:token-expired',
      expiresAt: undefined,
    });
    expect(readEmbedPageMessage(message('token-accepted', { expires_at: 9 }))).toMatchObject({
      type: 'tenantdash:token-accepted',
    });
    expect(readEmbedPageMessage(message('token-rejected', { code: 'TOKEN_MISMATCH' }))).toMatchObject({
      type: 'tenantdash:token-rejected',
    });
    expect(readEmbedPageMessage(message('error', { code: 'TENANT_MISMATCH', status: 403 }))).toMatchObject({
      type: 'tenantdash:error',
      code: 'TENANT_MISMATCH',
      status: 403,
    });
  });

  it.each([
    ['null', null],
    ['a string', 'tenantdash:ready'],
    ['an array', [1]],
    ['no version', { type: 'tenantdash:ready' }],
    ['version 2', message('ready', { version: 2 })],
    ['version "1"', message('ready', { version: '1' })],
    ['another prefix', { type: 'papermap:ready', version: 1 }],
    ['a type that is not a string', { type: 7, version: 1 }],
    ['resize without a height', message('resize')],
    ['resize with a negative height', message('resize', { height: -1 })],
    ['resize with an infinite height', message('resize', { height: Infinity })],
    ['resize with a height as text', message('resize', { height: '300' })],
  ])('refuses %s', (_, data) => {
    expect(readEmbedPageMessage(data)).toBeUndefined();
  });

  it('hands an undefined tenantdash: type through for the reader to ignore', () => {
    expect(readEmbedPageMessage(message('future-thing'))).toMatchObject({ type: 'tenantdash:future-thing' });
  });

  it('drops fields that are not what their type says', () => {
    expect(readEmbedPageMessage(message('ready', { height: NaN, expires_at: '5' }))).toMatchObject({
      height: undefined,
      expiresAt: undefined,
    });
    expect(readEmbedPageMessage(message('error', { status: '403' }))).toMatchObject({
      code: 'EMBED_REFUSED',
      status: undefined,
    });
  });

  it.each([
    ['free text', 'the token <b>expired</b>'],
    ['lower case', 'token_expired'],
    ['a leading digit', '1TOKEN'],
    ['65 characters', `A${'B'.repeat(64)}`],
    ['a number', 403],
  ])('replaces an error code of %s with EMBED_REFUSED', (_, code) => {
    expect(readEmbedPageMessage(message('error', { code }))).toMatchObject({ code: 'EMBED_REFUSED' });
  });
});

describe('readErrorCode', () => {
  it('keeps a plain upper-case code and nothing else', () => {
    expect(readErrorCode('TOKEN_EXPIRED')).toBe('TOKEN_EXPIRED');
    expect(readErrorCode(`A${'B'.repeat(63)}`)).toHaveLength(64);
    for (const value of ['', 'token_expired', '1A', 'A B', `A${'B'.repeat(64)}`, 7, null, undefined, {}])
      expect(readErrorCode(value)).toBeUndefined();
  });
});
