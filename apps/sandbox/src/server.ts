// Starts the sandbox from the environment (`pnpm --filter @tenantdash/sandbox start`).
import { configFromEnv } from './env.js';
import { buildSandbox } from './index.js';

const { config, listen } = configFromEnv(process.env);
const app = await buildSandbox(config);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    void app.close().then(() => process.exit(0));
  });
}

await app.listen(listen);
