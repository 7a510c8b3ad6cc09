// Papermap's reference algorithm (docs/papermap-protocol.md, sections 2 and 3) written out with node:crypto
// and Buffer, independently of @tenantdash/core and of the sandbox: both are checked against the protocol,
// not against themselves.
import { createHmac } from 'node:crypto';

/** The X-Signature of a request, and the `signature` claim of a token: lowercase hex HMAC-SHA256. */
export function referenceSignature(secret: string, workspaceId: string, validUntil: number | string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${workspaceId}${validUntil}`, 'utf8'))
    .digest('hex');
}

/** Python's json.dumps(ensure_ascii=True) of a string: \uXXXX for everything outside printable ASCII. */
export function pythonJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const code = value.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python's json.dumps of a flat object with its default separators (", " and ": "), members in order. */
export function pythonJsonObject(members: Record<string, string | number>): string {
  const value = (v: string | number) => (typeof v === 'string' ? pythonJsonString(v) : JSON.stringify(v));
  return `{${Object.entries(members)
    .map(([key, v]) => `${pythonJsonString(key)}: ${value(v)}`)
    .join(', ')}}`;
}

/** Python's base64.urlsafe_b64encode of UTF-8 text: `-` and `_`, padding kept. */
export function urlsafeBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** An embed token as Papermap's Python reference makes it from its claims (in their order, signature last). */
export function referenceToken(claims: Record<string, string | number>): string {
  return urlsafeBase64(pythonJsonObject(claims));
}
