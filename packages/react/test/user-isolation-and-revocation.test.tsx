import { fireEvent, render, renderHook, screen } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearEmbedTokens,
  DEFAULT_ERROR_MESSAGES,
  TenantDashboard,
  TenantDashProvider,
  useEmbedToken,
  type FetchTokenRequest,
} from '../src/index.js';
import { isRetryable, isRevocation, type TenantDashboardError } from '../src/errors.js';
import { readToken } from '../src/fetch-token.js';
import {
  advance,
  EMBED_ORIGIN,
  errorAnswer,
  mintingFetch,
  newClient,
  setVisibility,
  statusAnswer,
  useFakeClock,
  wrapperFor,
} from './helpers.js';

const MIN = 60_000;

beforeEach(() => {
  useFakeClock();
  setVisibility('visible');
});

/** A token server that mints for whoever is signed in (`user.current`), so a token says whose it is. */
function serverFor(user: { current: string }) {
  const mint = mintingFetch(3600);
  return vi.fn(async (request: FetchTokenRequest) => {
    const answer = await mint(request);
    const body = await answer.json();
    return {
      ...body,
      token: `${user.current}-${body.token}`,
      embed_url: `${EMBED_ORIGIN}/?t=${user.current}`,
    };
  });
}

const tokenCount = (client: ReturnType<typeof newClient>) =>
  client.getQueryCache().findAll({ queryKey: ['tenantdash'] }).length;

describe('tokens belong to the signed-in user', () => {
  it('without a userKey, a token goes with its last dashboard: the next person on the tab gets a new one', async () => {
    const user = { current: 'alice' };
    const fetchToken = serverFor(user);
    const client = newClient();
    const wrapper = wrapperFor(client);
    const alice = renderHook(() => useEmbedToken({ tenantId: 'northwind', fetchToken }), { wrapper });
    await advance();
    expect(alice.result.current.token?.token).toBe('alice-tok-1');
    alice.unmount(); // signs out: the app stops rendering the dashboard
    await advance();
    expect(tokenCount(client)).toBe(0);
    user.current = 'bob';
    const bob = renderHook(() => useEmbedToken({ tenantId: 'northwind', fetchToken }), { wrapper });
    expect(bob.result.current.token).toBeUndefined();
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(bob.result.current.token?.token).toBe('bob-tok-2');
  });

  it('with a userKey on the provider, another user on the same tab never sees the previous token', async () => {
    const user = { current: 'alice' };
    const fetchToken = serverFor(user);
    const client = newClient();
    const Wrapper = wrapperFor(client);
    let signIn: (name: string) => void = () => {};
    function App({ children }: { children: ReactNode }) {
      const [userKey, setUserKey] = useState('alice');
      signIn = (name) => {
        user.current = name;
        setUserKey(name);
      };
      return (
        <Wrapper>
          <TenantDashProvider userKey={userKey} fetchToken={fetchToken}>
            {children}
          </TenantDashProvider>
        </Wrapper>
      );
    }
    const seen: (string | undefined)[] = [];
    const hook = renderHook(
      () => {
        const result = useEmbedToken({ tenantId: 'northwind' });
        seen.push(result.token?.token);
        return result;
      },
      { wrapper: App },
    );
    await advance();
    expect(hook.result.current.token?.token).toBe('alice-tok-1');
    seen.length = 0;
    signIn('bob'); // the dashboard stays mounted while the user changes
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(hook.result.current.token?.token).toBe('bob-tok-2');
    expect(seen.filter((token) => token?.startsWith('alice'))).toEqual([]);
    // Alice's token is gone from the cache at once, not at garbage-collection time.
    const keys = client
      .getQueryCache()
      .findAll({ queryKey: ['tenantdash'] })
      .map((q) => q.queryKey[2]);
    expect(keys).toEqual(['bob']);
  });

  it('clearEmbedTokens() drops every token from every client a dashboard used', async () => {
    const fetchToken = mintingFetch(3600);
    const client = newClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TenantDashProvider userKey="alice">{wrapperFor(client)({ children })}</TenantDashProvider>
    );
    const hook = renderHook(() => useEmbedToken({ tenantId: 'northwind', fetchToken }), { wrapper });
    await advance();
    hook.unmount();
    await advance();
    // With a userKey the token is kept a while for the same user...
    expect(tokenCount(client)).toBe(1);
    // ...until sign-out.
    clearEmbedTokens();
    expect(tokenCount(client)).toBe(0);
    const again = renderHook(() => useEmbedToken({ tenantId: 'northwind', fetchToken }), { wrapper });
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(again.result.current.token?.token).toBe('tok-2');
  });

  it('clearEmbedTokens(client) clears one given client', async () => {
    const client = newClient();
    const hook = renderHook(
      () => useEmbedToken({ tenantId: 'northwind', fetchToken: mintingFetch(3600), userKey: 'a' }),
      { wrapper: wrapperFor(client) },
    );
    await advance();
    hook.unmount();
    clearEmbedTokens(client);
    expect(tokenCount(client)).toBe(0);
  });
});

function dashboard(fetchToken: ReturnType<typeof vi.fn>, onError = vi.fn()) {
  const client = newClient();
  const Wrapper = wrapperFor(client);
  const view = render(
    <Wrapper>
      <TenantDashboard tenantId="northwind" fetchToken={fetchToken as never} onError={onError} />
    </Wrapper>,
  );
  const state = () => view.container.firstElementChild?.getAttribute('data-state');
  const iframe = () => screen.queryByTitle('Analytics dashboard');
  return { ...view, state, iframe, onError };
}

describe('revocation shows at once', () => {
  it.each([
    [403, 'TENANT_DISABLED', 'TENANT_DISABLED'],
    [403, 'FORBIDDEN', 'FORBIDDEN'],
    [401, 'UNAUTHENTICATED', 'UNAUTHORIZED'],
    [404, 'TENANT_NOT_FOUND', 'TENANT_NOT_FOUND'],
    [404, 'DASHBOARD_NOT_FOUND', 'DASHBOARD_NOT_FOUND'],
  ] as const)(
    'a refresh answered %i %s takes the live dashboard down as %s',
    async (status, serverCode, code) => {
      const minted = mintingFetch(3600);
      let refuse = false;
      const fetchToken = vi.fn(async (r: FetchTokenRequest) =>
        refuse ? errorAnswer(status, serverCode) : minted(r),
      );
      const view = dashboard(fetchToken);
      await advance();
      expect(view.state()).toBe('ready');
      refuse = true;
      await advance(55 * MIN);
      // The old token had five minutes left; it is not shown for one more moment.
      expect(view.state()).toBe('error');
      expect(view.iframe()).toBeNull();
      const alert = screen.getByRole('alert');
      expect(alert.getAttribute('data-code')).toBe(code);
      expect(alert.textContent).toContain(DEFAULT_ERROR_MESSAGES[code]);
      expect(view.onError).toHaveBeenLastCalledWith(expect.objectContaining({ code, status, serverCode }));
      // Not retried on its own (a 4xx will not get better): a person presses retry.
      await advance(10 * MIN);
      expect(fetchToken).toHaveBeenCalledTimes(2);
      refuse = false;
      fireEvent.click(screen.getByRole('button'));
      await advance();
      expect(fetchToken).toHaveBeenCalledTimes(3);
      expect(view.state()).toBe('ready');
    },
  );

  it('a disabled tenant has its own message, not FORBIDDEN’s', () => {
    expect(DEFAULT_ERROR_MESSAGES.TENANT_DISABLED).not.toBe(DEFAULT_ERROR_MESSAGES.FORBIDDEN);
  });

  it('a 5xx on refresh keeps the live token on screen', async () => {
    const minted = mintingFetch(3600);
    let fail = false;
    const fetchToken = vi.fn(async (r: FetchTokenRequest) => (fail ? statusAnswer(503) : minted(r)));
    const view = dashboard(fetchToken);
    await advance();
    fail = true;
    await advance(55 * MIN + 7000);
    expect(view.state()).toBe('refresh-failed');
    expect(view.iframe()).not.toBeNull();
  });

  it('a 429 waits as long as Retry-After says, not the exponential backoff', async () => {
    let calls = 0;
    const minted = mintingFetch(3600);
    const fetchToken = vi.fn(async (r: FetchTokenRequest) => {
      calls += 1;
      return calls === 1 ? errorAnswer(429, 'RATE_LIMITED', { 'retry-after': '20' }) : minted(r);
    });
    const view = dashboard(fetchToken);
    await advance();
    expect(view.state()).toBe('loading');
    await advance(19_999);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(view.state()).toBe('ready');
  });
});

describe('an identity provider outage is not a sign-out', () => {
  it('503 IDENTITY_PROVIDER_UNAVAILABLE is retried after its Retry-After, never taken for a revocation', async () => {
    let calls = 0;
    const minted = mintingFetch(3600);
    const fetchToken = vi.fn(async (r: FetchTokenRequest) => {
      calls += 1;
      return calls === 1
        ? errorAnswer(503, 'IDENTITY_PROVIDER_UNAVAILABLE', { 'retry-after': '2' })
        : minted(r);
    });
    const view = dashboard(fetchToken);
    await advance();
    expect(view.state()).toBe('loading');
    await advance(1999);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(view.state()).toBe('ready');
  });

  it('reads it as a retryable TOKEN_FETCH_FAILED with the server code and the wait', async () => {
    const error = await readToken(
      errorAnswer(503, 'IDENTITY_PROVIDER_UNAVAILABLE', { 'retry-after': '2' }),
      Date.now,
      undefined,
    ).catch((e: unknown) => e as TenantDashboardError);
    expect(error).toMatchObject({
      code: 'TOKEN_FETCH_FAILED',
      status: 503,
      serverCode: 'IDENTITY_PROVIDER_UNAVAILABLE',
      retryAfterMs: 2000,
    });
    expect([isRetryable(error), isRevocation(error)]).toEqual([true, false]);
  });
});

describe('the embed page’s own error', () => {
  it('surfaces with its code, and retry loads a new token in a new document', async () => {
    const fetchToken = mintingFetch(3600);
    const view = dashboard(fetchToken);
    await advance();
    const source = (view.iframe() as HTMLIFrameElement).contentWindow;
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { type: 'tenantdash:error', version: 1, code: 'TENANT_MISMATCH', status: 403 },
        origin: EMBED_ORIGIN,
        source,
      }),
    );
    await advance();
    expect(view.state()).toBe('error');
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('EMBED_ERROR');
    expect(view.onError).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'EMBED_ERROR', serverCode: 'TENANT_MISMATCH', status: 403 }),
    );
    fireEvent.click(screen.getByRole('button'));
    await advance();
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(view.state()).toBe('ready');
    expect(view.iframe()?.getAttribute('src')).toContain('tok-2');
  });

  it('ignores an error message from another origin', async () => {
    const view = dashboard(mintingFetch(3600));
    await advance();
    const source = (view.iframe() as HTMLIFrameElement).contentWindow;
    window.dispatchEvent(
      new MessageEvent('message', {
        data: { type: 'tenantdash:error', version: 1, code: 'TOKEN_EXPIRED' },
        origin: 'https://evil.test',
        source,
      }),
    );
    await advance();
    expect(view.state()).toBe('ready');
  });
});
