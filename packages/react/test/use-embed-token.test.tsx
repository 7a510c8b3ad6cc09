import { focusManager, onlineManager } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEmbedToken, type UseEmbedTokenOptions } from '../src/index.js';
import { REFRESH_RETRY_INTERVAL_MS } from '../src/schedule.js';
import {
  advance,
  answer,
  mintingFetch,
  newClient,
  setVisibility,
  statusAnswer,
  T0,
  useFakeClock,
  wrapperFor,
} from './helpers.js';

const MIN = 60_000;

function setup(options: Partial<UseEmbedTokenOptions>, strict = false) {
  const client = newClient();
  const Inner = wrapperFor(client);
  const wrapper = strict
    ? ({ children }: { children: ReactNode }) => (
        <StrictMode>
          <Inner>{children}</Inner>
        </StrictMode>
      )
    : Inner;
  const hook = renderHook(
    (props: Partial<UseEmbedTokenOptions>) => useEmbedToken({ tenantId: 'org-1', ...options, ...props }),
    {
      wrapper,
      initialProps: {},
    },
  );
  return { ...hook, client };
}

beforeEach(() => {
  useFakeClock();
  setVisibility('visible');
});
afterEach(() => {
  focusManager.setFocused(undefined);
  onlineManager.setOnline(true);
});

describe('useEmbedToken', () => {
  it('loads a token and exposes its embed_url', async () => {
    const fetchToken = mintingFetch(3600);
    const { result } = setup({ fetchToken, dashboardId: 'dash-1' });
    expect(result.current.status).toBe('loading');
    await advance();
    expect(result.current.status).toBe('ready');
    expect(result.current.token?.token).toBe('tok-1');
    expect(result.current.embedUrl).toBe(
      'https://embed.example.test/embedded/dashboard?embedded-token=tok-1',
    );
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(fetchToken.mock.calls[0]?.[0]).toMatchObject({ tenantId: 'org-1', dashboardId: 'dash-1' });
  });

  it('builds the embed URL with core when the answer has none', async () => {
    const fetchToken = vi.fn(async () => ({
      token: 'abc=',
      dashboard_id: 'dash-9',
      expires_at: T0 / 1000 + 3600,
    }));
    const { result } = setup({
      fetchToken,
      workspaceId: 'ws-1',
      embedBaseUrl: 'https://pm.test/embedded/dashboard',
    });
    await advance();
    expect(result.current.embedUrl).toBe(
      'https://pm.test/embedded/dashboard?embedded-token=abc%3D&workspace-id=ws-1&dashboard-id=dash-9',
    );
  });

  it('reports CONFIG_INVALID when there is neither embed_url nor workspaceId', async () => {
    const fetchToken = vi.fn(async () => ({
      token: 'abc',
      dashboard_id: 'dash-9',
      expires_at: T0 / 1000 + 3600,
    }));
    const { result } = setup({ fetchToken });
    await advance();
    expect(result.current.status).toBe('error');
    expect(result.current.error?.code).toBe('CONFIG_INVALID');
  });

  it('refreshes five minutes ahead of expiry, not before', async () => {
    const fetchToken = mintingFetch(3600);
    const { result } = setup({ fetchToken });
    await advance();
    await advance(55 * MIN - 1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    await advance();
    expect(result.current.token?.token).toBe('tok-2');
  });

  it('scales the margin down for a short-lived token', async () => {
    const fetchToken = mintingFetch(120);
    setup({ fetchToken });
    await advance();
    await advance(90_000 - 1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('honours a configured margin', async () => {
    const fetchToken = mintingFetch(3600);
    setup({ fetchToken, refreshMarginMs: MIN });
    await advance();
    await advance(59 * MIN - 1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('corrects for a server clock that is behind the browser (Date header)', async () => {
    // The server is 10 minutes behind: its expires_at looks 10 minutes early on our clock.
    const fetchToken = vi.fn(async () =>
      answer(
        { expires_at: (T0 - 10 * MIN) / 1000 + 3600, embed_url: 'https://e.test/x' },
        { serverNow: Date.now() - 10 * MIN },
      ),
    );
    const { result } = setup({ fetchToken });
    await advance();
    expect(result.current.token?.schedule.skewMs).toBe(10 * MIN);
    await advance(55 * MIN - 1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    // Uncorrected, the token would have looked dead 50 minutes in.
    expect(result.current.status).toBe('ready');
  });

  it('corrects for a server clock that is ahead of the browser', async () => {
    const fetchToken = vi.fn(async () =>
      answer(
        { expires_at: (T0 + 10 * MIN) / 1000 + 3600, embed_url: 'https://e.test/x' },
        { serverNow: Date.now() + 10 * MIN },
      ),
    );
    setup({ fetchToken });
    await advance();
    await advance(55 * MIN - 1);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('uses an injected clock for the schedule', async () => {
    const fetchToken = vi.fn(async () => ({
      token: 't',
      dashboard_id: 'd',
      expires_at: 2_000_000_000,
      embed_url: 'https://e.test/',
    }));
    const { result } = setup({ fetchToken, now: () => 2_000_000_000_000 - 3_600_000 });
    await advance();
    expect(result.current.token?.receivedAt).toBe(2_000_000_000_000 - 3_600_000);
    expect(result.current.token?.schedule.refreshAtMs).toBe(2_000_000_000_000 - 5 * MIN);
  });

  it('does not poll while the tab is hidden, and refreshes at once when it shows again after the token went stale', async () => {
    const fetchToken = mintingFetch(3600);
    const { result } = setup({ fetchToken });
    await advance();
    setVisibility('hidden');
    await advance(2 * 3600_000); // laptop asleep, tab hidden: two whole token lifetimes
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(result.current.status).toBe('expired');
    setVisibility('visible');
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBe('ready');
    expect(result.current.token?.token).toBe('tok-2');
  });

  it('does not refetch on visibility while the token is fresh', async () => {
    const fetchToken = mintingFetch(3600);
    setup({ fetchToken });
    await advance();
    setVisibility('hidden');
    await advance(10 * MIN);
    setVisibility('visible');
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it('refreshes when the network comes back after the token went stale', async () => {
    const fetchToken = mintingFetch(3600);
    setup({ fetchToken });
    await advance();
    window.dispatchEvent(new Event('offline'));
    await advance(56 * MIN);
    // The interval fired while offline: the fetch is paused, not sent.
    expect(fetchToken).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('online'));
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('shares one request between components showing the same tenant and dashboard', async () => {
    const fetchToken = mintingFetch(3600);
    const client = newClient();
    const wrapper = wrapperFor(client);
    const a = renderHook(() => useEmbedToken({ tenantId: 'org-1', dashboardId: 'd', fetchToken }), {
      wrapper,
    });
    const b = renderHook(() => useEmbedToken({ tenantId: 'org-1', dashboardId: 'd', fetchToken }), {
      wrapper,
    });
    const c = renderHook(() => useEmbedToken({ tenantId: 'org-2', dashboardId: 'd', fetchToken }), {
      wrapper,
    });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(a.result.current.token).toBe(b.result.current.token);
    expect(c.result.current.token?.token).not.toBe(a.result.current.token?.token);
    await advance(55 * MIN);
    // Both refresh timers fired; still one request per tenant+dashboard.
    expect(fetchToken).toHaveBeenCalledTimes(4);
  });

  it('fetches once under StrictMode', async () => {
    const fetchToken = mintingFetch(3600);
    const { result } = setup({ fetchToken }, true);
    await advance();
    expect(result.current.status).toBe('ready');
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
  ])('does not retry a %i and surfaces %s', async (status, code) => {
    const fetchToken = vi.fn(async () => statusAnswer(status));
    const { result } = setup({ fetchToken });
    await advance(10 * MIN);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(result.current.status).toBe('error');
    expect(result.current.error?.code).toBe(code);
  });

  it('retries a server error with exponential backoff, then gives up', async () => {
    const fetchToken = vi.fn(async () => statusAnswer(503));
    const { result } = setup({ fetchToken });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1000);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    await advance(1999);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(3);
    await advance(4000);
    expect(fetchToken).toHaveBeenCalledTimes(4);
    await advance(60_000);
    expect(fetchToken).toHaveBeenCalledTimes(4);
    expect(result.current.error?.code).toBe('TOKEN_FETCH_FAILED');
    expect(result.current.error?.status).toBe(503);
  });

  it('recovers when a retry succeeds', async () => {
    const minted = mintingFetch(3600);
    const fetchToken = vi.fn(async (req: Parameters<typeof minted>[0]) =>
      fetchToken.mock.calls.length === 1 ? statusAnswer(502) : minted(req),
    );
    const { result } = setup({ fetchToken });
    await advance();
    await advance(1000);
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBe('ready');
    expect(result.current.error).toBeUndefined();
  });

  it('keeps the old token while a refresh fails, retries, then expires', async () => {
    const minted = mintingFetch(3600);
    let fail = false;
    const fetchToken = vi.fn(async (req: Parameters<typeof minted>[0]) =>
      fail ? statusAnswer(500) : minted(req),
    );
    const { result } = setup({ fetchToken });
    await advance();
    fail = true;
    await advance(55 * MIN + 1000 + 2000 + 4000);
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(5);
    expect(result.current.status).toBe('ready');
    expect(result.current.token?.token).toBe('tok-1');
    expect(result.current.error?.code).toBe('TOKEN_FETCH_FAILED');
    // It tries again while the old token lives, and flips to expired when it dies.
    await advance(REFRESH_RETRY_INTERVAL_MS);
    expect(fetchToken.mock.calls.length).toBeGreaterThan(5);
    await advance(5 * MIN);
    expect(result.current.status).toBe('expired');
    expect(result.current.token).toBeUndefined();
    fail = false;
    result.current.refresh();
    await advance();
    expect(result.current.status).toBe('ready');
    expect(result.current.token?.token).toBe('tok-2');
  });

  it('always calls the latest fetchToken', async () => {
    const first = mintingFetch(3600);
    const second = mintingFetch(3600);
    const { rerender } = setup({ fetchToken: first });
    await advance();
    rerender({ fetchToken: second });
    await advance(55 * MIN);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('works without any QueryClientProvider', async () => {
    const fetchToken = mintingFetch(3600);
    const { result } = renderHook(() => useEmbedToken({ tenantId: 'org-no-provider', fetchToken }));
    await advance();
    expect(result.current.status).toBe('ready');
  });
});
