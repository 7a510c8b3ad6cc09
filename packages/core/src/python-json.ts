const NEEDS_NO_ESCAPE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * A string literal exactly as Python's `json.dumps` (default `ensure_ascii=True`) writes it: the same short
 * escapes as JSON.stringify, and every character outside printable ASCII as a lowercase `\uXXXX` (astral
 * characters as their surrogate pair, which is how JavaScript strings already hold them).
 */
export function pythonJsonString(value: string): string {
  if (NEEDS_NO_ESCAPE.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(
    NON_ASCII,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
