import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import type { Platform } from './types.js';

// Unpadded base64 length mod 4 -> the padding that completes it (1 never occurs).
const PADDING = ['', '', '==', '='] as const;

/** Node: node:crypto's synchronous HMAC is an order of magnitude faster than Web Crypto's async one. */
export const platform: Platform = {
  hmacSha256Hex: (secret, message) => createHmac('sha256', secret).update(message, 'utf8').digest('hex'),
  base64FromLatin1: (latin1) => Buffer.from(latin1, 'latin1').toString('base64'),
  paddedBase64UrlFromLatin1: (latin1) => {
    const unpadded = Buffer.from(latin1, 'latin1').toString('base64url');
    return unpadded + PADDING[unpadded.length % 4];
  },
  bytesFromBase64: (base64) => Buffer.from(base64, 'base64'),
};
