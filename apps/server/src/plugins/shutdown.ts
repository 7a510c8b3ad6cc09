/**
 * Graceful shutdown, all of it: refusing new requests while draining, waiting (bounded) for the requests in
 * flight before the database plugin writes the last audit rows, and the standalone server's SIGTERM sequence
 * (start.ts only wires the signals and the exit code).
 *
 * Fastify stops accepting connections on `close()`, but keep-alive sockets whose requests finish after that
 * would hold `close()` open until their idle timeout, so answers sent while closing end their socket.
 * `startDraining` begins this before `close()` (the grace period on SIGTERM): a request sent on an idle
 * keep-alive socket then gets a 503 it can retry elsewhere, instead of the connection reset it would meet if
 * `close()` cut that socket while the request was on its way; /readyz answers 503 too, so the load balancer
 * stops sending new ones. Fastify's own 503 while closing is turned off (`return503OnClosing` in app.ts), so
 * these answers have the shared error shape.
 */
import fp from 'fastify-plugin';
import { apiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** From now on every request is answered 503 SHUTTING_DOWN with `Connection: close`; `close()` follows. */
    startDraining(): void;
    /** Resolves once no request is in flight, or after the drain bound. */
    requestsSettled(): Promise<void>;
    /** The standalone server's shutdown: drain for the grace period, then close, cutting connections still open after the drain bound. */
    drainAndClose(): Promise<void>;
  }
}

/**
 * Longest wait for the requests and connections still open when closing. Fastify runs its close hooks only
 * once every connection has ended, so one stalled request (headers or a body that never finish arriving)
 * would hold the process, its audit flush and its database forever. After this the remaining connections
 * are cut: a stalled request never reached its handler, and a handler still running answers no one (a token
 * is only answered once its audit row is committed).
 */
const DRAIN_BOUND_MS = 10_000;

export interface ShutdownPluginOptions {
  /** How long `drainAndClose` refuses requests (still listening) before it closes. */
  graceMs: number;
}

export default fp<ShutdownPluginOptions>(
  async (fastify, { graceMs }) => {
    let closing = false;
    let inFlight = 0;
    let settledAll: (() => void) | undefined;
    const settled = () => {
      inFlight--;
      if (inFlight === 0) settledAll?.();
    };

    fastify.decorate('startDraining', () => {
      closing = true;
    });
    fastify.addHook('preClose', async () => {
      closing = true;
    });
    // Callback hooks (not async): they run on every request, and an async hook costs a promise each time.
    // One shared listener per request counts it in flight until its response is done.
    fastify.addHook('onRequest', (_request, reply, done) => {
      inFlight++;
      reply.raw.once('close', settled);
      if (!closing) return done();
      done(apiError('SHUTTING_DOWN'));
    });
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close');
      done(null, payload);
    });

    fastify.decorate('requestsSettled', async () => {
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        settledAll = resolve;
        setTimeout(resolve, DRAIN_BOUND_MS).unref();
      });
    });

    fastify.decorate('drainAndClose', async () => {
      // First refuse (503, retryable) while still listening, so requests already on their way over idle
      // keep-alive sockets get an answer instead of a reset; then stop listening and drain.
      fastify.startDraining();
      await new Promise((resolve) => setTimeout(resolve, graceMs));
      setTimeout(() => {
        fastify.log.warn('connections still open after the drain bound: closed');
        fastify.server.closeAllConnections();
      }, DRAIN_BOUND_MS).unref();
      await fastify.close();
    });
  },
  { name: 'tenantdash-shutdown', fastify: '5.x' },
);
