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
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, version, height, expires_at, code, status } = data as Record<string, unknown>;
  if (version !== MESSAGE_VERSION || typeof type !== 'string') return undefined;
  switch (type) {
    case 'tenantdash:ready':
      return { type, height: heightOf(height) };
    case 'tenantdash:token-expiring':
    case 'tenantdash:token-expired':
      return { type, expiresAt: secondsOf(expires_at) };
    case 'tenantdash:token-accepted':
    case 'tenantdash:token-rejected':
      return { type };
    case 'tenantdash:error':
      return { type, code: codeOf(code), status: secondsOf(status) };
    case 'tenantdash:resize': {
      const h = heightOf(height);
      return h === undefined ? undefined : { type, height: h };
    }
    default:
      return undefined;
  }
}

export function setTokenMessage(token: string, expiresAt: number) {
  return { type: 'tenantdash:set-token', version: MESSAGE_VERSION, token, expires_at: expiresAt } as const;
}
