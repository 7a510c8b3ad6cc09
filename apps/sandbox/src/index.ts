// @tenantdash/sandbox: a faithful local Papermap (docs/papermap-protocol.md) for tests, CI and the demo.
import Fastify, { type FastifyInstance } from 'fastify';
import sandboxApp from './app.js';
import { resolveConfig, type SandboxConfig } from './config.js';

export {
  SANDBOX_SEED,
  DEFAULT_CREDITS,
  DEFAULT_DATABASE_PATH,
  DEFAULT_TENANT_USAGE_HISTORY_PATH,
  resolveConfig,
} from './config.js';
export type {
  SandboxApiKey,
  SandboxConfig,
  SandboxCredits,
  SandboxDashboardSeed,
  SandboxWorkspace,
} from './config.js';
export { ApiError, SandboxConfigError } from './errors.js';
export type { ErrorBody } from './errors.js';
export { FAULT_MODES } from './faults.js';
export type { FaultMode, FaultSettings } from './faults.js';
export { ADMIN_TOKEN_HEADER } from './routes/admin.js';

// Tokens travel in query strings (docs/papermap-protocol.md §7.4): log the path only, never headers.
const serializers = {
  req(request: { method: string; url: string; id?: string }) {
    return { method: request.method, path: request.url.split('?')[0], id: request.id };
  },
};

/**
 * Builds a ready (migrated, seeded) sandbox app that is not listening yet. The caller listens and closes:
 * `await app.listen({ port: 0, host: '127.0.0.1' })`, `await app.close()`.
 */
export async function buildSandbox(options: Partial<SandboxConfig> = {}): Promise<FastifyInstance> {
  const config = resolveConfig(options);
  const logger = config.logger === true ? { serializers } : config.logger;
  const app = Fastify({
    logger: typeof logger === 'object' && logger !== null ? { serializers, ...logger } : (logger ?? false),
    // Ids may be 255 characters of non-ASCII, percent-encoded in paths.
    routerOptions: { maxParamLength: 4096 },
    bodyLimit: 64 * 1024,
  });
  await app.register(sandboxApp, { config });
  await app.ready();
  return app;
}
