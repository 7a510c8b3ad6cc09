// @tenantdash/server: the token server as a standalone app or a plugin for a team's own Fastify app.
export { buildApp, tenantdash } from './app.js';
export type { BuildAppOptions, TenantDashOptions } from './app.js';
export { loadConfig, loadDotEnv, SettingError } from './config.js';
export type { ServerConfig, JwtAuthConfig } from './config.js';
export type { AuthorizeHook, IdentifyHook, Identity } from './plugins/auth.js';
export { ApiError } from './errors.js';
export { migrate } from './db/migrations.js';
