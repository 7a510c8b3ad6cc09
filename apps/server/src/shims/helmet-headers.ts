/**
 * Helmet's headers computed once, by running helmet's middleware at start-up against a response that only
 * records what is set on it. A reach past helmet's public use (a middleware per request), kept because:
 *
 * - `@fastify/helmet`, the public route, builds helmet's middleware again on every request (its onRequest
 *   hook calls `helmet(options)(req, res)`, CSP directives parsed each time) plus an async hook: helmet built
 *   and run costs 10–14 µs a call against 0.9–1.9 µs run only (200 000 calls, 5 rounds, helmet 8.3.0,
 *   2026-11-29, this 2-core VM), over the 5 µs a request a shim may save to stay;
 * - our options have no per-request part (no CSP nonces), so every response gets the same headers.
 *
 * What it relies on: helmet's middleware sets its headers synchronously, with `setHeader` and
 * `removeHeader` only, and reads nothing from the request. test/shims.test.ts runs helmet against a real
 * `http.ServerResponse` and fails if its headers ever differ from the recorded ones.
 */
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet sets for these options, as `[name, value]` pairs in helmet's order. */
export function helmetHeaders(options: Readonly<HelmetOptions>): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: unknown;
  // Helmet's middleware is synchronous: it throws on bad options (v8.1+) or calls `next`.
  helmet({ ...options })({} as never, recorder as never, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error('helmet refused its options');
  return [...headers];
}
