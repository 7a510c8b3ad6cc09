import { Buffer } from 'node:buffer';
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Platform } from './types.js';

export { fastEmbedUrl } from '../embed-url-prefix.js';

// Unpadded base64 length mod 4 -> the padding that completes it (1 never occurs).
const PADDING = ['', '', '==', '='] as const;

// `createHmac` with a string key encodes and imports the key again on every call; a server signs with a
// handful of secrets, so their KeyObjects are kept. Bounded (as in the web platform) so a caller cycling
// through secrets cannot grow it without limit.
const KEY_CACHE_LIMIT = 32;
const keyCache = new Map<string, KeyObject>();

function hmacKey(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(secret, key);
  }
  return key;
}

/** Node: node:crypto's synchronous HMAC is an order of magnitude faster than Web Crypto's async one. */
export const platform: Platform = {
  hmacSha256Hex: (secret, message) =>
    createHmac('sha256', hmacKey(secret)).update(message, 'utf8').digest('hex'),
  base64FromLatin1: (latin1) => Buffer.from(latin1, 'latin1').toString('base64'),
  paddedBase64UrlFromLatin1: (latin1) => {
    const unpadded = Buffer.from(latin1, 'latin1').toString('base64url');
    return unpadded + PADDING[unpadded.length % 4];
  },
  bytesFromBase64: (base64) => Buffer.from(base64, 'base64'),
};
