const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * A code that came over the wire (a token server's answer, an embed page's message) and may reach an app's
 * callbacks: kept only when it is a plain upper-case code (`TOKEN_EXPIRED`), never free text.
 */
export function readErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && ERROR_CODE.test(value) ? value : undefined;
}
