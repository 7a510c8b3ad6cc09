/**
 * The standalone server: started from the environment (+ .env); closes gracefully on SIGTERM/SIGINT (how:
 * plugins/shutdown.ts; here only the signals and the exit code).
 */
import { buildApp } from './app.js';
import { loadConfig, loadDotEnv, SettingError } from './config.js';

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
    app.drainAndClose().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
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
