/** What the rest of the package needs from the runtime; `#platform` picks an implementation per build. */
export interface Platform {
  /** Lowercase hex HMAC-SHA256 of the UTF-8 bytes of `message`, keyed with the UTF-8 bytes of `secret`. */
  hmacSha256Hex(secret: string, message: string): string | Promise<string>;
  /** Standard base64 (with `+`, `/` and padding) of a string whose characters are all below U+0100. */
  base64FromLatin1(latin1: string): string;
  /** URL-safe base64 (`-`, `_`) with `=` padding kept, of a string whose characters are all below U+0100. */
  paddedBase64UrlFromLatin1(latin1: string): string;
  /** Bytes of a standard base64 string that has already been checked for alphabet and padding. */
  bytesFromBase64(base64: string): Uint8Array;
}

/**
 * A faster way to write an embed URL, byte for byte what the general path writes, or undefined to use that
 * path. A server builds one per token request, a browser one per token: only Node has it (a named export
 * of its own, so a browser bundle that builds URLs does not pull in the rest of the platform).
 */
export type FastEmbedUrl = (
  token: string,
  workspaceId: string,
  dashboardId: string,
  baseUrl: string,
  debug: boolean,
) => string | undefined;
