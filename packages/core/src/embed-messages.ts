import { readErrorCode } from './error-code.js';

/**
 * tenantdash extension, not Papermap: the postMessage protocol between an embed page and the page that frames
 * it (the sandbox's embed page speaks it, @tenantdash/react listens). Real Papermap documents no messages, so
 * a parent must work without any: a page that never says `ready` gets new tokens as a new `src` instead.
 * Every message, both ways, is `{ type: 'tenantdash:<name>', version: 1, ...fields }` with snake_case fields;
 * the core README, "postMessage protocol", says more.
 */
export const EMBED_MESSAGE_PREFIX = 'tenantdash:';
export const EMBED_MESSAGE_VERSION = 1;

/** What an embed page tells its parent, as `readEmbedPageMessage` hands it out (camelCase, checked). */
export type EmbedPageMessage =
  | { type: 'tenantdash:ready'; height: number | undefined }
  | { type: 'tenantdash:resize'; height: number }
  | { type: 'tenantdash:token-expiring'; expiresAt: number | undefined }
  | { type: 'tenantdash:token-expired'; expiresAt: number | undefined }
  | { type: 'tenantdash:token-accepted' }
  | { type: 'tenantdash:token-rejected' }
  /** The page refused to show the dashboard; `code` is its own (e.g. `TOKEN_EXPIRED`, `TENANT_MISMATCH`). */
  | { type: 'tenantdash:error'; code: string; status: number | undefined };

/** What a parent sends: a fresh token for the page to verify and take without a reload. */
export interface SetTokenMessage {
  type: 'tenantdash:set-token';
  version: typeof EMBED_MESSAGE_VERSION;
  token: string;
  /** Unix seconds, the token's `valid_until`. */
  expires_at: number;
}

// Number.isFinite is false for anything that is not a number.
const numberOf = (value: unknown) => (Number.isFinite(value) ? (value as number) : undefined);
const heightOf = (value: unknown) =>
  Number.isFinite(value) && (value as number) >= 0 ? Math.ceil(value as number) : undefined;
/**
 * A well-formed message of this protocol's version, or undefined. It does not know who sent it: the caller
 * checks `event.source` and `event.origin` first. A `tenantdash:` type this version does not define comes back
 * as it is, for the reader's switch to ignore.
 */
export function readEmbedPageMessage(data: unknown): EmbedPageMessage | undefined {
  const fields = data as Record<string, unknown> | null | undefined;
  if (fields?.version !== EMBED_MESSAGE_VERSION) return undefined;
  const { type } = fields;
  if (typeof type !== 'string' || !type.startsWith(EMBED_MESSAGE_PREFIX)) return undefined;
  const height = heightOf(fields.height);
  if (type === 'tenantdash:resize' && height === undefined) return undefined;
  // One shape for every type: each reader takes only the fields its type defines.
  return {
    type,
    height,
    expiresAt: numberOf(fields.expires_at),
    code: readErrorCode(fields.code) ?? 'EMBED_REFUSED',
    status: numberOf(fields.status),
  } as EmbedPageMessage;
}

export function setTokenMessage(token: string, expiresAt: number): SetTokenMessage {
  return { type: 'tenantdash:set-token', version: EMBED_MESSAGE_VERSION, token, expires_at: expiresAt };
}
