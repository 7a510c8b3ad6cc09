/** The standalone server: started from the environment (+ .env); closes gracefully on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { loadConfig, loadDotEnv, SettingError } from './config.js';

/**
 * Longest wait for the connections still open on SIGTERM (the database plugin's drain has the same bound).
 * Fastify runs its close hooks only once every connection has ended, so one stalled request (headers or a
 * body that never finish arriving) would hold the process, its audit flush and its database forever. After
 * this the remaining connections are cut: a stalled request never reached its handler, and a handler still
 * running answers no one (a token is only answered once its audit row is committed).
 */
const CONNECTION_DRAIN_MS = 10_000;

/** Starts the server of this process (exits the process on a bad setting, and when closed by a signal). */
export async function startServer(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof SettingError) {
      console.error(`tenantdash: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = await buildApp(config);
  let closing = false;
  const close = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, grace_ms: config.http.shutdownGraceMs }, 'shutting down');
    // First refuse (503, retryable) while still listening, so requests already on their way over idle
    // keep-alive sockets get an answer instead of a reset; then stop listening and drain.
    app.startDraining();
    setTimeout(() => {
      setTimeout(() => {
        app.log.warn('connections still open after the drain bound: closed');
        app.server.closeAllConnections();
      }, CONNECTION_DRAIN_MS).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    }, config.http.shutdownGraceMs);
  };
  // `on`, not `once`: with no listener left, a repeated SIGTERM (a supervisor and a process-group kill may both
  // send one) would kill the process mid-drain. A second SIGINT (Ctrl-C twice) still quits at once.
  process.on('SIGTERM', () => close('SIGTERM'));
  process.once('SIGINT', () => close('SIGINT'));
  await app.listen({ port: config.http.port, host: config.http.host });
}

/** `startServer`, reporting a failure to start as one line and exit code 1. */
export function runServer(): void {
  startServer().catch((error: unknown) => {
    console.error('tenantdash: failed to start:', error instanceof Error ? error.message : 'unknown error');
    process.exit(1);
  });
}
