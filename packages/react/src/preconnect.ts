import { useEffect } from 'react';
// React 19 only: undefined on React 18 (react-dom is CommonJS there, so no bundler can refuse the name).
import { preconnect } from 'react-dom';

// The embed page's origin as last seen in this tab, so the next dashboard can open its connection before
// its token arrives, not after.
let lastEmbedOrigin: string | undefined;

export function rememberEmbedOrigin(origin: string): void {
  lastEmbedOrigin = origin;
}

export function knownEmbedOrigin(): string | undefined {
  return lastEmbedOrigin;
}

// React 18 has no `preconnect`: one `<link>` per origin, added once.
const linked = new Set<string>();
function appendPreconnectLink(origin: string): void {
  if (linked.has(origin)) return;
  linked.add(origin);
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = origin;
  document.head.appendChild(link);
}

/**
 * Has the browser open a connection to the embed page's origin while the token is still on its way. React
 * 19's `preconnect` is called in render (deduplicated, and emitted by a server render too); on React 18 a
 * `<link rel="preconnect">` goes into the head, once per origin.
 */
export function usePreconnect(origin: string | undefined): void {
  const native = typeof preconnect === 'function';
  if (origin && native) preconnect(origin);
  useEffect(() => {
    if (origin && !native) appendPreconnectLink(origin);
  }, [origin, native]);
}
