import type { EmbedPageMessage } from '@tenantdash/core';
import { describe, expect, it } from 'vitest';
import type { EmbedToken } from '../src/fetch-token.js';
import { reduce, shownFrame, type FrameInput, type FrameState } from '../src/frame-machine.js';
import { computeTokenSchedule, SRC_SWAP_LEAD_MS } from '../src/schedule.js';

const NOW = 1_700_000_000_000;
const KEY = 'tenant-a\u0000';

/** A token that arrived at `receivedAt` and lives an hour. */
function token(name: string, receivedAt: number): EmbedToken {
  const expiresAt = Math.floor(receivedAt / 1000) + 3600;
  return {
    token: name,
    dashboardId: 'd',
    expiresAt,
    embedUrl: `https://embed.test/d?t=${name}`,
    receivedAt,
    schedule: computeTokenSchedule({ expiresAt, receivedAt }),
  };
}

const input = (t: EmbedToken | undefined, over: Partial<FrameInput> = {}): FrameInput => ({
  key: KEY,
  token: t,
  embedUrl: t?.embedUrl,
  autoHeight: true,
  ...over,
});
const message = (m: EmbedPageMessage) => m;

const first = token('first', NOW);
const second = token('second', NOW + 60_000);
/** The first token's document is loaded; the page said `ready`. */
const loaded: FrameState = { loaded: { key: KEY, url: first.embedUrl!, token: first }, messaging: true };

describe('reduce: which document the frame shows', () => {
  it('loads the first token at once, and does nothing more while it is current', () => {
    const step = reduce({}, input(first), NOW);
    expect(step).toEqual({ state: { loaded: { key: KEY, url: first.embedUrl, token: first } } });
    expect(reduce(step.state, input(first), NOW + 1000).state).toBe(step.state);
  });

  it('waits for a token: no document, nothing to do', () => {
    expect(reduce({}, input(undefined), NOW)).toEqual({ state: {} });
  });

  it('loads another dashboard as a new document at once, forgetting the old page', () => {
    const other = token('other', NOW + 1000);
    const step = reduce({ ...loaded, height: 500 }, input(other, { key: 'tenant-b\u0000' }), NOW + 1000);
    expect(step.state).toEqual({ loaded: { key: 'tenant-b\u0000', url: other.embedUrl, token: other } });
  });

  it('hands a newer token over by message to a page that said ready, once', () => {
    const step = reduce(loaded, input(second), NOW + 60_000);
    expect(step.handOver).toBe(second);
    expect(step.state.handed).toBe(second);
    expect(step.state.loaded?.token).toBe(first);
    expect(reduce(step.state, input(second), NOW + 61_000).handOver).toBeUndefined();
  });

  it('keeps the old src for a page without messages until SRC_SWAP_LEAD_MS before it dies', () => {
    const silent = { ...loaded, messaging: false };
    const swapAt = first.schedule.swapSrcAtMs;
    expect(swapAt).toBe(first.schedule.expiresAtMs - SRC_SWAP_LEAD_MS);
    expect(reduce(silent, input(second), swapAt - 1)).toEqual({ state: silent });
    const step = reduce({ ...silent, height: 480 }, input(second), swapAt);
    // The same dashboard: the height the page last reported stays until the new one reports its own.
    expect(step.state).toEqual({ loaded: { key: KEY, url: second.embedUrl, token: second }, height: 480 });
  });

  it('keeps the src once the page accepts the handed token, so the swap time passes without a reload', () => {
    const handed = reduce(loaded, input(second), NOW + 60_000).state;
    const accepted = reduce(
      handed,
      input(second),
      NOW + 61_000,
      message({ type: 'tenantdash:token-accepted' }),
    );
    expect(accepted.state.loaded).toEqual({ key: KEY, url: first.embedUrl, token: second });
    const later = reduce(accepted.state, input(second), first.schedule.swapSrcAtMs);
    expect(later.state).toBe(accepted.state);
  });

  it('falls back to a new src near expiry when the page rejects the handed token', () => {
    const handed = reduce(loaded, input(second), NOW + 60_000).state;
    const rejected = reduce(
      handed,
      input(second),
      NOW + 61_000,
      message({ type: 'tenantdash:token-rejected' }),
    );
    expect(rejected.state).toMatchObject({ messaging: false, handed: undefined });
    expect(rejected.state.loaded?.token).toBe(first);
    expect(reduce(rejected.state, input(second), first.schedule.swapSrcAtMs).state.loaded?.token).toBe(
      second,
    );
  });

  it('loads the current token at once when the loaded one died while nothing ran', () => {
    const step = reduce(loaded, input(second), first.schedule.expiresAtMs);
    expect(step.state).toEqual({ loaded: { key: KEY, url: second.embedUrl, token: second } });
    expect(shownFrame(loaded, input(second), first.schedule.expiresAtMs)?.token).toBe(second);
  });
});

describe('reduce: what the page says', () => {
  it('follows the height from ready and resize, unless autoHeight is off', () => {
    const ready = reduce(
      { loaded: loaded.loaded },
      input(first),
      NOW,
      message({ type: 'tenantdash:ready', height: 420 }),
    );
    expect(ready.state).toMatchObject({ messaging: true, height: 420 });
    const resized = reduce(
      ready.state,
      input(first),
      NOW,
      message({ type: 'tenantdash:resize', height: 300 }),
    );
    expect(resized.state.height).toBe(300);
    const off = input(first, { autoHeight: false });
    expect(reduce(ready.state, off, NOW, message({ type: 'tenantdash:resize', height: 10 })).state).toBe(
      ready.state,
    );
  });

  it('answers token-expiring with the newer token it holds, without a fetch', () => {
    const step = reduce(
      loaded,
      input(second),
      NOW + 60_000,
      message({ type: 'tenantdash:token-expiring', expiresAt: first.expiresAt }),
    );
    expect(step.handOver).toBe(second);
    expect(step.refresh).toBeUndefined();
  });

  it('does not fetch on an early warning, but does once the refresh is due or the token has expired', () => {
    const expiring = message({ type: 'tenantdash:token-expiring', expiresAt: first.expiresAt });
    expect(reduce(loaded, input(first), NOW + 1000, expiring)).toEqual({ state: loaded, refresh: false });
    expect(reduce(loaded, input(first), first.schedule.refreshAtMs, expiring).refresh).toBe(true);
    const expired = message({ type: 'tenantdash:token-expired', expiresAt: first.expiresAt });
    expect(reduce(loaded, input(first), NOW + 1000, expired).refresh).toBe(true);
  });

  it('never shows a refused document again, and loads the next token in a new one', () => {
    const refused = reduce(
      loaded,
      input(first),
      NOW,
      message({ type: 'tenantdash:error', code: 'TENANT_MISMATCH', status: 403 }),
    ).state;
    expect(refused.refused).toMatchObject({
      url: first.embedUrl,
      error: { code: 'EMBED_ERROR', status: 403 },
    });
    expect(refused.refused?.error.serverCode).toBe('TENANT_MISMATCH');
    expect(shownFrame(refused, input(first), NOW)).toBeUndefined();
    const next = reduce(refused, input(second), NOW + 60_000).state;
    expect(shownFrame(next, input(second), NOW + 60_000)?.url).toBe(second.embedUrl);
  });

  it('ignores a message type this version does not define', () => {
    const unknown = { type: 'tenantdash:future' } as unknown as EmbedPageMessage;
    expect(reduce(loaded, input(first), NOW, unknown)).toEqual({ state: loaded });
  });
});
