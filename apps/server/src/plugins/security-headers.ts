/**
 * Security headers on every answer: helmet's (computed once, see shims/helmet-headers.ts for why not
 * `@fastify/helmet`), set in an onRequest hook (where `@fastify/helmet` sets them too, so a route may still
 * override one), and CORS for the browser origins allowed to call the API (`CORS_ORIGINS`).
 */
import cors from '@fastify/cors';
import fp from 'fastify-plugin';
import type { HelmetOptions } from 'helmet';
import { helmetHeaders } from '../shims/helmet-headers.js';

export interface SecurityHeadersOptions {
  /** Browser origins allowed to call the API; none: CORS stays off. */
  corsOrigins: readonly string[];
}

export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  // A JSON API: nothing to frame, nothing to leak in a Referer (tokens travel in embed URLs).
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-site' },
};

export default fp<SecurityHeadersOptions>(
  async (fastify, { corsOrigins }) => {
    const headers = helmetHeaders(HELMET_OPTIONS);
    fastify.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.header(name, value);
      done();
    });
    await fastify.register(cors, {
      origin: corsOrigins.length > 0 ? [...corsOrigins] : false,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      // Readable by browsers on other origins: the clock (skew correction) and how long to back off.
      exposedHeaders: ['Date', 'Retry-After'],
      maxAge: 600,
    });
  },
  { name: 'tenantdash-security-headers', fastify: '5.x' },
);
