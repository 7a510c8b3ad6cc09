/**
 * Helmet's security headers, computed once. Our helmet options have no per-request part (no CSP nonces), so
 * every response gets the same header set; `@fastify/helmet` rebuilt the whole helmet middleware (parsing the
 * CSP directives again) on every request, a measurable share of the token endpoint's CPU. Here `helmet`
 * itself runs once at registration against a recording response, and an onRequest hook (where
 * `@fastify/helmet` applied them too, so a route may still override one) copies the recorded headers.
 */
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

export interface SecurityHeadersOptions {
  helmet: Readonly<HelmetOptions>;
}

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

export default fp<SecurityHeadersOptions>(
  async (fastify, options) => {
    const headers = helmetHeaders(options.helmet);
    fastify.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value);
      done();
    });
  },
  { name: 'tenantdash-security-headers', fastify: '5.x' },
);
