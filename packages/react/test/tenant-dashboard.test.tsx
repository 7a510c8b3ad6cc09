import { fireEvent, render, screen } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TenantDashboard, type TenantDashboardProps } from '../src/index.js';
import { SRC_SWAP_LEAD_MS } from '../src/schedule.js';
import {
  advance,
  EMBED_ORIGIN,
  mintingFetch,
  T0,
  newClient,
  setVisibility,
  statusAnswer,
  useFakeClock,
  wrapperFor,
} from './helpers.js';

const MIN = 60_000;

function show(props: Partial<TenantDashboardProps>, strict = false) {
  const client = newClient();
  const Wrapper = wrapperFor(client);
  const ui = (p: Partial<TenantDashboardProps>): ReactNode => {
    const inner = (
      <Wrapper>
        <TenantDashboard tenantId="org-1" dashboardId="dash-1" {...p} />
      </Wrapper>
    );
    return strict ? <StrictMode>{inner}</StrictMode> : inner;
  };
  const view = render(ui(props));
  return {
    ...view,
    rerenderWith: (p: Partial<TenantDashboardProps>) => view.rerender(ui({ ...props, ...p })),
  };
}

const frame = () => screen.getByTitle('Analytics dashboard') as HTMLIFrameElement;

function fromFrame(data: unknown, origin = EMBED_ORIGIN, source: Window | null = frame().contentWindow) {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

beforeEach(() => {
  useFakeClock();
  setVisibility('visible');
});

describe('<TenantDashboard>', () => {
  it('shows an accessible skeleton, then the iframe with safe defaults', async () => {
    const { container } = show({ fetchToken: mintingFetch(3600) });
    expect(screen.getByRole('status').textContent).toBe('Loading dashboard…');
    expect(container.firstElementChild?.getAttribute('aria-busy')).toBe('true');
    await advance();
    const iframe = frame();
    expect(iframe.getAttribute('src')).toBe(`${EMBED_ORIGIN}/embedded/dashboard?embedded-token=tok-1`);
    expect(iframe.getAttribute('sandbox')).toBe('allow-scripts allow-same-origin allow-popups');
    expect(iframe.getAttribute('referrerpolicy')).toBe('strict-origin-when-cross-origin');
    expect(iframe.getAttribute('allow')).toBe('fullscreen');
    expect(container.firstElementChild?.getAttribute('data-state')).toBe('ready');
  });

  it('passes title, sandbox, allow, referrerPolicy, className, style and CSS properties through', async () => {
    const { container } = show({
      fetchToken: mintingFetch(3600),
      title: 'Sales',
      sandbox: 'allow-scripts',
      allow: 'clipboard-write',
      referrerPolicy: 'no-referrer',
      className: 'mine',
      style: { ['--tenantdash-radius' as string]: '0px', margin: 4 },
    });
    await advance();
    const iframe = screen.getByTitle('Sales');
    expect(iframe.getAttribute('sandbox')).toBe('allow-scripts');
    expect(iframe.getAttribute('allow')).toBe('clipboard-write');
    expect(iframe.getAttribute('referrerpolicy')).toBe('no-referrer');
    const root = container.firstElementChild as HTMLElement;
    expect(root.className).toBe('tenantdash mine');
    expect(root.style.getPropertyValue('--tenantdash-radius')).toBe('0px');
    expect(root.style.margin).toBe('4px');
  });

  it.each([
    [403, 'FORBIDDEN', 'You do not have access to this dashboard.'],
    [401, 'UNAUTHORIZED', 'Your session has ended. Sign in again to see this dashboard.'],
  ])('shows a %i as an alert with a retry button and reports %s', async (status, code, text) => {
    const onError = vi.fn();
    let answer = statusAnswer(status);
    const fetchToken = vi.fn(async () => answer);
    show({ fetchToken, onError });
    await advance();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(text);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0].code).toBe(code);
    answer = await mintingFetch(3600)({ tenantId: 'org-1', dashboardId: 'dash-1' });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(frame()).toBeTruthy();
  });

  it('renders custom loading, error and expired slots', async () => {
    const fetchToken = vi.fn(async () => statusAnswer(403));
    show({
      fetchToken,
      renderLoading: () => <p>wait…</p>,
      renderError: ({ error, retry }) => (
        <button type="button" onClick={retry}>
          custom {error.code}
        </button>
      ),
    });
    expect(screen.getByText('wait…')).toBeTruthy();
    await advance();
    expect(screen.getByRole('button').textContent).toBe('custom FORBIDDEN');
  });

  it('keeps the dashboard on screen when a refresh fails, then shows the expired state', async () => {
    const minted = mintingFetch(3600);
    let fail = false;
    const fetchToken = vi.fn(async (r: Parameters<typeof minted>[0]) =>
      fail ? statusAnswer(500) : minted(r),
    );
    const onError = vi.fn();
    const { container } = show({
      fetchToken,
      onError,
      renderExpired: ({ retry }) => <button onClick={retry}>expired</button>,
    });
    await advance();
    fail = true;
    await advance(55 * MIN + 7000);
    expect(frame().getAttribute('src')).toContain('tok-1');
    expect(container.firstElementChild?.getAttribute('data-state')).toBe('refresh-failed');
    expect(onError).toHaveBeenCalledTimes(1);
    await advance(5 * MIN);
    expect(screen.queryByTitle('Analytics dashboard')).toBeNull();
    expect(screen.getByRole('button').textContent).toBe('expired');
    // Every src the frame gets from here on: the dead token's URL must never be loaded again.
    const seen: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'attributes' && record.oldValue) seen.push(record.oldValue);
        for (const node of record.addedNodes) if (node instanceof HTMLIFrameElement) seen.push(node.src);
      }
    });
    observer.observe(container, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeOldValue: true,
      attributeFilter: ['src'],
    });
    fail = false;
    fireEvent.click(screen.getByRole('button'));
    await advance();
    observer.disconnect();
    expect(frame().getAttribute('src')).toContain('tok-2');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((src) => !src.includes('tok-2'))).toEqual([]);
  });

  it('without messages, keeps the old src until just before it expires: one reload per token', async () => {
    const onTokenRefresh = vi.fn();
    show({ fetchToken: mintingFetch(3600), onTokenRefresh });
    await advance();
    await advance(55 * MIN);
    expect(onTokenRefresh).toHaveBeenCalledTimes(1);
    expect(onTokenRefresh.mock.calls[0]?.[0].token).toBe('tok-2');
    expect(frame().getAttribute('src')).toContain('tok-1');
    await advance(5 * MIN - SRC_SWAP_LEAD_MS - 1);
    expect(frame().getAttribute('src')).toContain('tok-1');
    await advance(1);
    expect(frame().getAttribute('src')).toContain('tok-2');
  });

  it('hands a new token over by message when the page said ready, and keeps the src once accepted', async () => {
    show({ fetchToken: mintingFetch(3600) });
    await advance();
    const win = frame().contentWindow!;
    const post = vi.spyOn(win, 'postMessage');
    fromFrame({ type: 'tenantdash:ready', version: 1, dashboard_id: 'dash-1', height: 700 });
    await advance(55 * MIN);
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0]).toEqual([
      {
        type: 'tenantdash:set-token',
        version: 1,
        token: 'tok-2',
        expires_at: Math.floor(Date.now() / 1000) + 3600,
      },
      EMBED_ORIGIN,
    ]);
    fromFrame({
      type: 'tenantdash:token-accepted',
      version: 1,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    });
    await advance();
    await advance(10 * MIN);
    expect(frame().getAttribute('src')).toContain('tok-1');
    expect(frame().contentWindow).toBe(win);
    expect(frame().style.height).toBe('700px');
  });

  it('falls back to a new src near expiry when the page never accepts the handed token', async () => {
    show({ fetchToken: mintingFetch(3600) });
    await advance();
    fromFrame({ type: 'tenantdash:ready', version: 1 });
    await advance(60 * MIN - SRC_SWAP_LEAD_MS);
    expect(frame().getAttribute('src')).toContain('tok-2');
  });

  it('falls back to a new src near expiry when the page rejects the handed token', async () => {
    show({ fetchToken: mintingFetch(3600) });
    await advance();
    const post = vi.spyOn(frame().contentWindow!, 'postMessage');
    fromFrame({ type: 'tenantdash:ready', version: 1 });
    await advance(55 * MIN);
    fromFrame({ type: 'tenantdash:token-rejected', version: 1, code: 'TOKEN_MISMATCH' });
    await advance(5 * MIN - SRC_SWAP_LEAD_MS - 1);
    expect(frame().getAttribute('src')).toContain('tok-1');
    await advance(1);
    expect(frame().getAttribute('src')).toContain('tok-2');
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('answers token-expiring with the newer token it holds, without fetching', async () => {
    const fetchToken = mintingFetch(3600);
    show({ fetchToken });
    await advance();
    const post = vi.spyOn(frame().contentWindow!, 'postMessage');
    await advance(55 * MIN);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    fromFrame({
      type: 'tenantdash:token-expiring',
      version: 1,
      expires_at: T0 / 1000 + 3600,
      seconds_left: 60,
    });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(post.mock.calls[0]?.[0]).toMatchObject({ type: 'tenantdash:set-token', token: 'tok-2' });
  });

  it('does not answer an early token-expiring warning with a fetch: its own schedule refreshes in time', async () => {
    // A page whose warning lead exceeds the token's lifetime would otherwise drive a fetch loop.
    const fetchToken = mintingFetch(3600);
    show({ fetchToken });
    await advance();
    fromFrame({ type: 'tenantdash:token-expiring', version: 1, expires_at: T0 / 1000 + 3600 });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(55 * MIN);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes at once when the page warns after the refresh was due (a timer that did not run)', async () => {
    const fetchToken = mintingFetch(3600);
    show({ fetchToken });
    await advance();
    setVisibility('hidden');
    await advance(56 * MIN);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    fromFrame({ type: 'tenantdash:token-expiring', version: 1, expires_at: T0 / 1000 + 3600 });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('refreshes at once when the page says its token has expired', async () => {
    const fetchToken = mintingFetch(3600);
    show({ fetchToken });
    await advance();
    fromFrame({ type: 'tenantdash:token-expired', version: 1, expires_at: T0 / 1000 + 3600 });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it('follows the height the page reports, unless autoHeight is off', async () => {
    const { rerenderWith } = show({ fetchToken: mintingFetch(3600) });
    await advance();
    expect(frame().style.height).toBe('var(--tenantdash-height, 600px)');
    fromFrame({ type: 'tenantdash:resize', version: 1, height: 812.4 });
    await advance();
    expect(frame().style.height).toBe('813px');
    rerenderWith({ autoHeight: false });
    fromFrame({ type: 'tenantdash:resize', version: 1, height: 300 });
    await advance();
    expect(frame().style.height).toBe('813px');
  });

  it('ignores messages from another origin, another window, or of the wrong shape', async () => {
    show({ fetchToken: mintingFetch(3600) });
    await advance();
    fromFrame({ type: 'tenantdash:resize', version: 1, height: 100 }, 'https://evil.test');
    fromFrame({ type: 'tenantdash:resize', version: 1, height: 100 }, EMBED_ORIGIN, window);
    fromFrame({ type: 'tenantdash:resize', version: 2, height: 100 });
    fromFrame({ type: 'tenantdash:resize', version: 1, height: 'tall' });
    fromFrame('tenantdash:resize');
    await advance();
    expect(frame().style.height).toBe('var(--tenantdash-height, 600px)');
    const post = vi.spyOn(frame().contentWindow!, 'postMessage');
    fromFrame({ type: 'tenantdash:ready', version: 1 }, 'https://evil.test');
    await advance(55 * MIN);
    expect(post).not.toHaveBeenCalled();
  });

  it('always calls the latest callbacks', async () => {
    const first = vi.fn();
    const second = vi.fn();
    const { rerenderWith } = show({ fetchToken: mintingFetch(3600), onTokenRefresh: first, onLoad: first });
    await advance();
    rerenderWith({ onTokenRefresh: second, onLoad: second });
    await advance(55 * MIN);
    fireEvent.load(frame());
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(2);
  });

  it('reports errors to the latest onError and shows the default expired state', async () => {
    const minted = mintingFetch(3600);
    let fail = false;
    const fetchToken = vi.fn(async (r: Parameters<typeof minted>[0]) =>
      fail ? statusAnswer(500) : minted(r),
    );
    const first = vi.fn();
    const second = vi.fn();
    const { rerenderWith } = show({ fetchToken, onError: first, maxRetries: 0 });
    await advance();
    rerenderWith({ onError: second });
    fail = true;
    await advance(60 * MIN);
    expect(first).not.toHaveBeenCalled();
    expect(second.mock.calls.length).toBeGreaterThan(0);
    expect(second.mock.calls.every(([e]) => e.code === 'TOKEN_FETCH_FAILED')).toBe(true);
    expect(screen.getByRole('alert').textContent).toContain('This dashboard session has expired.');
    expect(screen.getByRole('button', { name: 'Reload dashboard' })).toBeTruthy();
  });

  it('fetches once under StrictMode and shows one frame per dashboard with shared requests', async () => {
    const fetchToken = mintingFetch(3600);
    const client = newClient();
    const Wrapper = wrapperFor(client);
    render(
      <StrictMode>
        <Wrapper>
          <TenantDashboard tenantId="org-1" dashboardId="a" title="A1" fetchToken={fetchToken} />
          <TenantDashboard tenantId="org-1" dashboardId="a" title="A2" fetchToken={fetchToken} />
          <TenantDashboard tenantId="org-1" dashboardId="b" title="B" fetchToken={fetchToken} />
        </Wrapper>
      </StrictMode>,
    );
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(screen.getByTitle('A1').getAttribute('src')).toBe(screen.getByTitle('A2').getAttribute('src'));
    expect(screen.getByTitle('B').getAttribute('src')).not.toBe(screen.getByTitle('A1').getAttribute('src'));
  });

  it('loads the new dashboard at once when dashboardId changes', async () => {
    const { rerenderWith } = show({ fetchToken: mintingFetch(3600) });
    await advance();
    rerenderWith({ dashboardId: 'dash-2' });
    await advance();
    expect(frame().getAttribute('src')).toContain('tok-2');
  });
});
