import { createHmac } from 'node:crypto';

/** The embed-token known answer of PROTOCOL.md section 3. */
export const PROTOCOL_TOKEN =
  'eyJhcGlfa2V5X2lkIjogImFrX3Rlc3QiLCAid29ya3NwYWNlX2lkIjogIndvcmtzcGFjZS00NTYiLCAidGVuYW50X2lkIjogIm9yZy0xMjMiLCAiZGFzaGJvYXJkX2lkIjogImRhc2gtNzg5IiwgInZhbGlkX3VudGlsIjogMTY5OTk5OTk5OSwgInNpZ25hdHVyZSI6ICIwZWQ0YTlhMzkxODM2Zjc4MWMyMTM1MTM5NWNhZTIxYmIwZjFkYmEyYjc5MDAzZTAyZGJjM2I2ZmE3OTZmZGRlIn0=';

export const KEY = {
  apiKeyId: 'ak_unit',
  secretKey: 'sk_unit_secret_0123456789',
  workspaceId: 'ws_unit',
} as const;
export const NOW_MS = 1_800_000_000_000;
export const NOW_S = NOW_MS / 1000;
export const frozen = (ms: number) => () => ms;

export const resolveKey = (id: string) =>
  id === KEY.apiKeyId ? { secretKey: KEY.secretKey, workspaceId: KEY.workspaceId } : undefined;

/** Papermap's reference algorithm, written independently of src/ with node:crypto and Buffer. */
export function referenceSignature(secret: string, workspaceId: string, validUntil: number | string): string {
  return createHmac('sha256', secret).update(`${workspaceId}${validUntil}`).digest('hex');
}

export function referenceToken(claims: Record<string, string | number>): string {
  const ascii = (value: string | number) =>
    JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  const json = `{${Object.entries(claims)
    .map(([key, value]) => `${ascii(key)}: ${ascii(value)}`)
    .join(', ')}}`;
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** base64url with padding of arbitrary JSON text, for hand-made malformed tokens. */
export function wrap(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
