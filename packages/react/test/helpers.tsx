import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import type { EmbedTokenResponse, FetchTokenRequest } from '../src/index.js';

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const EMBED_ORIGIN = 'https://embed.example.test';

/** A token server answer as a real Response, with a `Date` header on the server's clock. */
export function answer(
  body: Partial<EmbedTokenResponse> & { expires_at: number },
  init: { status?: number; serverNow?: number } = {},
): Response {
  const full = { token: `tok-${body.expires_at}`, dashboard_id: 'dash-1', ...body };
  return new Response(JSON.stringify(full), {
    status: init.status ?? 200,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      date: new Date(init.serverNow ?? Date.now()).toUTCString(),
    },
  });
}

export function statusAnswer(status: number): Response {
  return new Response(JSON.stringify({ error: 'nope' }), {
    status,
    headers: { date: new Date().toUTCString() },
  });
}

/** An error answer in the token server's shape (`{ statusCode, code, error, message }`). */
export function errorAnswer(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ statusCode: status, code, error: 'Error', message: code }), {
    status,
    headers: { 'content-type': 'application/json', date: new Date().toUTCString(), ...headers },
  });
}

/** A fetchToken whose every call mints a token living `ttlSeconds` from the (fake) current time. */
export function mintingFetch(ttlSeconds: number, extra: Partial<EmbedTokenResponse> = {}) {
  let n = 0;
  return vi.fn(async (request: FetchTokenRequest) => {
    n += 1;
    const expires_at = Math.floor(Date.now() / 1000) + ttlSeconds;
    return answer({
      token: `tok-${n}`,
      dashboard_id: request.dashboardId ?? 'dash-1',
      expires_at,
      embed_url: `${EMBED_ORIGIN}/embedded/dashboard?embedded-token=tok-${n}`,
      ...extra,
    });
  });
}

export function newClient(): QueryClient {
  return new QueryClient();
}

export function wrapperFor(client: QueryClient) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };
}

/** Lets fake time pass and React settle. */
export async function advance(ms = 0): Promise<void> {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
    // React Query batches its notifications on a 0 ms timer.
    // Reading a Response body also takes real event-loop turns (setImmediate is not faked).
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(0);
    }
  });
}

export function useFakeClock(start = T0): void {
  vi.useFakeTimers({
    now: start,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
}

export function setVisibility(state: 'visible' | 'hidden'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
  window.dispatchEvent(new Event('visibilitychange'));
}
