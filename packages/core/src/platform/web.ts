import type { FastEmbedUrl, Platform } from './types.js';

// Importing a key is the costly half of a Web Crypto HMAC; a server signs with a handful of secrets, so a
// small cache pays off. It is bounded so a caller cycling through secrets cannot grow it without limit.
const KEY_CACHE_LIMIT = 32;
const keyCache = new Map<string, Promise<CryptoKey>>();

// Created on first use, not at import: some runtimes that load this module (Jest + jsdom, SSR sandboxes)
// have no TextEncoder, and importing must not fail there.
let encoder: TextEncoder | undefined;
const utf8Bytes = (text: string) => (encoder ??= new TextEncoder()).encode(text);

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (key === undefined) {
    key = crypto.subtle.importKey('raw', utf8Bytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(secret, key);
  }
  return key;
}

function hex(bytes: ArrayBuffer): string {
  let out = '';
  for (const byte of new Uint8Array(bytes)) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Browsers and edge runtimes: Web Crypto, `btoa`/`atob`; no Node module is imported. */
export const platform: Platform = {
  hmacSha256Hex: async (secret, message) =>
    hex(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8Bytes(message))),
  base64FromLatin1: (latin1) => btoa(latin1),
  paddedBase64UrlFromLatin1: (latin1) => btoa(latin1).replace(/[+/]/g, (char) => (char === '+' ? '-' : '_')),
  bytesFromBase64: (base64) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)),
};

/** Browsers build one embed URL per token: the general path (URLSearchParams) is fast enough. */
export const fastEmbedUrl: FastEmbedUrl | undefined = undefined;
