import { readEmbedPageMessage, type EmbedPageMessage } from '@tenantdash/core';

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

/**
 * A message of the embed page's protocol (@tenantdash/core, optional: real Papermap sends none), accepted
 * only from our own frame's window at the embed origin.
 */
export function readFrameMessage(
  event: MessageEvent,
  frame: Window | null | undefined,
  origin: string | undefined,
): EmbedPageMessage | undefined {
  if (!frame || !origin || event.source !== frame || event.origin !== origin) return undefined;
  return readEmbedPageMessage(event.data);
}
