/** Starts the standalone server from the environment (+ .env); closes gracefully on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { loadConfig, loadDotEnv, SettingError } from './config.js';

async function main(): Promise<void> {
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
    app.log.info({ signal }, 'shutting down');
    app.close().then(
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

main().catch((error: unknown) => {
  console.error('tenantdash: failed to start:', error instanceof Error ? error.message : 'unknown error');
  process.exit(1);
});
