import {
  dehydrate,
  HydrationBoundary,
  QueryClient,
  QueryClientProvider,
  type DehydratedState,
} from '@tanstack/react-query';
import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TenantDashboard } from '../src/index.js';
import { embedTokenQueryOptions } from '../src/prefetch.js';
import { advance, EMBED_ORIGIN, mintingFetch, setVisibility, T0, useFakeClock } from './helpers.js';

const HOUR = 3_600_000;
const SINCE_NAVIGATION_MS = 1500;
const TTL = 600;
const url = `${EMBED_ORIGIN}/embedded/dashboard?embedded-token=tok-ssr`;

/** What a Server Component does: prefetch for the signed-in user, dehydrate, render (no `window` there). */
async function serverRender(): Promise<{
  html: string;
  state: DehydratedState;
  serverFetch: ReturnType<typeof vi.fn>;
}> {
  vi.stubGlobal('window', undefined);
  try {
    const serverFetch = vi.fn(async () => ({
      token: 'tok-ssr',
      dashboard_id: 'dash-1',
      expires_at: T0 / 1000 + TTL,
      expires_in: TTL,
      embed_url: url,
    }));
    const client = new QueryClient();
    await client.prefetchQuery(
      embedTokenQueryOptions({ tenantId: 'org-1', userKey: 'alice', fetchToken: serverFetch }),
    );
    // Across the wire as JSON, as a framework sends it.
    const state = JSON.parse(JSON.stringify(dehydrate(client))) as DehydratedState;
    const html = renderToString(page(new QueryClient(), state, vi.fn()));
    return { html, state, serverFetch };
  } finally {
    vi.unstubAllGlobals();
  }
}

function page(client: QueryClient, state: DehydratedState, fetchToken: unknown): ReactNode {
  return (
    <QueryClientProvider client={client}>
      <HydrationBoundary state={state}>
        <TenantDashboard tenantId="org-1" userKey="alice" fetchToken={fetchToken as never} />
      </HydrationBoundary>
    </QueryClientProvider>
  );
}

let root: Root | undefined;
beforeEach(() => {
  useFakeClock(T0);
  setVisibility('visible');
  vi.spyOn(performance, 'now').mockReturnValue(SINCE_NAVIGATION_MS);
});
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

describe('a token prefetched during the server render', () => {
  it('is in the first HTML: the iframe, ready, no loading state', async () => {
    const { html, serverFetch } = await serverRender();
    expect(serverFetch).toHaveBeenCalledTimes(1);
    expect(html).toContain('data-state="ready"');
    expect(html).toContain(`src="${url.replace('&', '&amp;')}"`);
  });

  it.each([
    ['on time', 0],
    ['2 h ahead', 2 * HOUR],
    ['2 h behind', -2 * HOUR],
  ])(
    'hydrates without a browser token request, and refreshes before the server-side expiry (browser clock %s)',
    async (_name, skew) => {
      const { html, state } = await serverRender();
      // The browser, 0.4 s after the server rendered, on its own clock.
      vi.setSystemTime(T0 + skew + 400);
      const container = document.createElement('div');
      container.innerHTML = html;
      document.body.appendChild(container);
      const errors = vi.spyOn(console, 'error');
      const browserFetch = mintingFetch(TTL);
      await act(async () => {
        root = hydrateRoot(container, page(new QueryClient(), state, browserFetch));
      });
      await advance();
      expect(errors).not.toHaveBeenCalled();
      expect(browserFetch).not.toHaveBeenCalled();
      const dashboard = container.querySelector('.tenantdash');
      expect(dashboard?.getAttribute('data-state')).toBe('ready');
      expect(container.querySelector('iframe')?.getAttribute('src')).toBe(url);

      // Counted from navigation start (1.5 s before hydration), a quarter of what is left ahead.
      const receivedAt = T0 + skew + 400;
      const localExpiry = receivedAt - SINCE_NAVIGATION_MS + TTL * 1000;
      const refreshAt = localExpiry - (localExpiry - receivedAt) / 4;
      // The server's expiry on this clock: the refresh comes before it, whatever the skew.
      expect(refreshAt).toBeLessThan(T0 + skew + TTL * 1000);
      await advance(refreshAt - Date.now() - 1);
      expect(browserFetch).not.toHaveBeenCalled();
      await advance(1);
      expect(browserFetch).toHaveBeenCalledTimes(1);
      expect(dashboard?.getAttribute('data-state')).toBe('ready');
    },
  );
});
