import { SAFE_CODE } from './fetch-token.js';

/**
 * The sandbox's postMessage extension (apps/sandbox/README.md). Real Papermap documents no messages, so
 * everything here is optional: a page that never says `ready` gets new tokens as a new `src` instead.
 */
export const MESSAGE_PREFIX = 'tenantdash:';
export const MESSAGE_VERSION = 1;

export type FrameMessage =
  | { type: 'tenantdash:ready'; height: number | undefined }
  | { type: 'tenantdash:resize'; height: number }
  | { type: 'tenantdash:token-expiring'; expiresAt: number | undefined }
  | { type: 'tenantdash:token-expired'; expiresAt: number | undefined }
  | { type: 'tenantdash:token-accepted' }
  | { type: 'tenantdash:token-rejected' }
  /** The page refused to show the dashboard; `code` is its own (e.g. `TOKEN_EXPIRED`, `TENANT_MISMATCH`). */
  | { type: 'tenantdash:error'; code: string; status: number | undefined };

const heightOf = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
const secondsOf = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
// The page's code reaches the app's callbacks: a plain upper-case code only, never free text.
const codeOf = (value: unknown) =>
  typeof value === 'string' && SAFE_CODE.test(value) ? value : 'EMBED_REFUSED';

/** The origin of an embed URL, or undefined when it has none we can trust. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Accepts only a well-formed message from our own frame's window at the embed origin. */
export function readFrameMessage(
  event: MessageEvent,
  frame: Window | null | undefined,
  origin: string | undefined,
): FrameMessage | undefined {
  if (!frame || !origin || event.source !== frame || event.origin !== origin) return undefined;
  const data = event.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || data.version !== MESSAGE_VERSION) return undefined;
  const { type } = data;
  // Types this version does not define are left to the reader's switch, which ignores them.
  if (typeof type !== 'string' || !type.startsWith(MESSAGE_PREFIX)) return undefined;
  const height = heightOf(data.height);
  if (type === 'tenantdash:resize' && height === undefined) return undefined;
  // One shape for every type: each reader takes only the fields its type defines.
  return {
    type,
    height,
    expiresAt: secondsOf(data.expires_at),
    code: codeOf(data.code),
    status: secondsOf(data.status),
  } as FrameMessage;
}

export function setTokenMessage(token: string, expiresAt: number) {
  return { type: 'tenantdash:set-token', version: MESSAGE_VERSION, token, expires_at: expiresAt } as const;
}
