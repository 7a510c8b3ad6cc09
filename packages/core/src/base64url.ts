import { platform } from '#platform';

const PADDED_BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** URL-safe base64 of an ASCII string, `=` padding kept, as Python's `urlsafe_b64encode` writes it. */
export function encodeBase64Url(ascii: string): string {
  return platform.paddedBase64UrlFromLatin1(ascii);
}

/**
 * Decodes padded URL-safe base64, or returns undefined for anything else: a foreign character, missing or
 * extra padding, or unused bits set (any input that would not re-encode to itself).
 */
export function decodeBase64Url(input: string): Uint8Array | undefined {
  if (input.length === 0 || input.length % 4 !== 0 || !PADDED_BASE64URL.test(input)) return undefined;
  const standard = input.replace(/[-_]/g, (char) => (char === '-' ? '+' : '/'));
  const bytes = platform.bytesFromBase64(standard);
  let latin1 = '';
  for (const byte of bytes) latin1 += String.fromCharCode(byte);
  return platform.base64FromLatin1(latin1) === standard ? bytes : undefined;
}
