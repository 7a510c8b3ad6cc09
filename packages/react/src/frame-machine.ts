import type { EmbedPageMessage } from '@tenantdash/core';
import { TenantDashboardError } from './errors.js';
import type { EmbedToken } from './fetch-token.js';

/**
 * Which document the iframe shows, and how a newer token reaches it: by message to a page that said `ready`
 * (no reload), else as a new `src` just before the loaded token dies (at most one reload per token lifetime).
 * Pure, like schedule.ts: the component calls `reduce` with what it has, the clock and the page's messages,
 * and does what the result asks. It keeps no time of its own: it acts on the token's schedule
 * (`swapSrcAtMs`, `refreshAtMs`, `expiresAtMs`, set by schedule.ts's `_MS` constants), and the component
 * calls it again when the shown token's `swapSrcAtMs` comes.
 */

export interface Frame {
  /** The dashboard (tenant and dashboard id) the document belongs to. */
  key: string;
  url: string;
  /** The token the document holds: the one in its URL, or a newer one it accepted by message. */
  token: EmbedToken;
}

/** What the component has now. */
export interface FrameInput {
  /** Which dashboard: tenant and dashboard id. */
  key: string;
  token: EmbedToken | undefined;
  /** The current token's embed URL. */
  embedUrl: string | undefined;
  /** Follow the height the page reports (the `autoHeight` prop). */
  autoHeight: boolean;
}

/** Every field starts undefined (`{}`): no document yet. */
export interface FrameState {
  /** The document last put in the iframe. */
  loaded?: Frame | undefined;
  /** The loaded page said `ready`: it takes tokens by message. */
  messaging?: boolean | undefined;
  /** The token handed over by message and not yet accepted. */
  handed?: EmbedToken | undefined;
  /** The content height the page last reported (CSS px). */
  height?: number | undefined;
  /** The embed page refused the document at `url` (`tenantdash:error`): that URL is never shown again. */
  refused?: { url: string; error: TenantDashboardError } | undefined;
}

export interface FrameStep {
  state: FrameState;
  /** Post `tenantdash:set-token` with this token to the frame. */
  handOver?: EmbedToken | undefined;
  /** Fetch a token now (joining a fetch under way). */
  refresh?: boolean | undefined;
}

/**
 * What the iframe shows: the loaded document while it is this dashboard's, not refused, and its token lives;
 * otherwise (first render, another dashboard, a token that died while the frame was gone) the current
 * token's URL at once, so a dead URL is never loaded. The component calls it in render too.
 */
export function shownFrame(state: FrameState, input: FrameInput, now: number): Frame | undefined {
  const { loaded, refused } = state;
  const { key, token, embedUrl } = input;
  return loaded?.key === key && loaded.url !== refused?.url && now < loaded.token.schedule.expiresAtMs
    ? loaded
    : token && embedUrl && embedUrl !== refused?.url
      ? { key, url: embedUrl, token }
      : undefined;
}

/**
 * The next state, and what to do, at local time `now` (ms): for a `message` from the loaded page (its origin
 * and source already checked), or, without one, because the input changed or the swap time came.
 */
export function reduce(
  state: FrameState,
  input: FrameInput,
  now: number,
  message?: EmbedPageMessage,
): FrameStep {
  const current = input.token;
  let handOver: EmbedToken | undefined;
  let refresh: boolean | undefined;
  switch (message?.type) {
    case 'tenantdash:ready':
      state = { ...state, messaging: true };
      if (input.autoHeight && message.height !== undefined) state = { ...state, height: message.height };
      break;
    case 'tenantdash:resize':
      if (input.autoHeight) state = { ...state, height: message.height };
      break;
    case 'tenantdash:token-accepted': {
      const { loaded, handed } = state;
      if (loaded && handed && loaded.token.receivedAt < handed.receivedAt)
        state = { ...state, loaded: { ...loaded, token: handed } };
      break;
    }
    case 'tenantdash:error': {
      const url = shownFrame(state, input, now)?.url;
      const error = new TenantDashboardError(
        'EMBED_ERROR',
        `The embed page refused the dashboard: ${message.code}`,
        {
          status: message.status,
          serverCode: message.code,
        },
      );
      if (url) state = { ...state, refused: { url, error } };
      break;
    }
    case 'tenantdash:token-rejected':
      // Fall back to a new src near expiry for this dashboard.
      state = { ...state, handed: undefined, messaging: false };
      break;
    case 'tenantdash:token-expiring':
    case 'tenantdash:token-expired': {
      // Hand over a newer token if we hold one. Otherwise fetch one, unless the page warns early about a
      // token whose own refresh is not due yet: the page's warning lead can exceed a short token's whole
      // lifetime, and answering each warning with a fetch would loop (new token, immediate warning, new
      // token...). The refresh schedule fetches it in time.
      const pageExpiry = message.expiresAt ?? shownFrame(state, input, now)?.token.expiresAt ?? 0;
      if (current && current.expiresAt > pageExpiry) state = { ...state, handed: (handOver = current) };
      else
        refresh =
          message.type === 'tenantdash:token-expired' || !current || now >= current.schedule.refreshAtMs;
    }
  }

  // Then bring the loaded document in line with the current token.
  const { embedUrl } = input;
  const shown = shownFrame(state, input, now);
  if (current && embedUrl && embedUrl !== state.refused?.url && shown) {
    // A new document: it has to say `ready` again before it gets tokens by message.
    if (shown !== state.loaded) state = { refused: state.refused, loaded: shown };
    else if (shown.token !== current) {
      // The page takes tokens by message: hand it over; on `token-accepted` the src stays, no reload.
      if (state.messaging && state.handed !== current) state = { ...state, handed: (handOver = current) };
      // Otherwise (or if the page never accepts it) the loaded page keeps its own token until just before
      // that dies, then loads the new one. An accepted hand-over gets there first.
      if (now >= shown.token.schedule.swapSrcAtMs)
        state = {
          refused: state.refused,
          height: state.height,
          loaded: { ...shown, url: embedUrl, token: current },
        };
    }
  }
  return { state, handOver, refresh };
}
