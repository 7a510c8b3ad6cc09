/**
 * The token server as a Fastify plugin: named plugins, one concern each, registered in dependency order (each
 * declares the plugins it needs, so a wrong order fails at boot). `buildApp` wraps it into the standalone
 * server; a team with its own Fastify app registers `tenantdash` directly (under a prefix of its choice) with
 * an `authorize` hook. Which plugin owns what: the README's "Layout".
 */
import fp from 'fastify-plugin';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from './config.js';
import { catalogueBody } from './errors.js';
import { AccessLog, loggerOptions } from './logging.js';
import apiDocs from './plugins/api-docs.js';
import auth, { type AuthorizeHook, type IdentifyHook } from './plugins/auth.js';
import caches from './plugins/caches.js';
import db from './plugins/db.js';
import errors from './plugins/errors.js';
import jsonBody from './plugins/json-body.js';
import metrics from './plugins/metrics.js';
import metricsRoute from './plugins/metrics-route.js';
import papermap from './plugins/papermap.js';
import rateLimit from './plugins/rate-limit.js';
import redis from './plugins/redis.js';
import securityHeaders from './plugins/security-headers.js';
import shutdown from './plugins/shutdown.js';
import usage from './plugins/usage.js';
import workspaces from './plugins/workspaces.js';
import auditRoutes from './routes/audit.js';
import dashboardRoutes from './routes/dashboards.js';
import healthRoutes from './routes/health.js';
import tokenRoutes from './routes/iframe-token.js';
import tenantRoutes from './routes/tenants.js';
import { buildSchemas } from './schemas.js';

export interface TenantDashOptions {
  config: ServerConfig;
  /** Host-app mode: decides whether the request may use `tenantId` (`null`: admin actions). Replaces JWTs. */
  authorize?: AuthorizeHook;
  /** Host-app mode: names the user for audit rows and rate limits. */
  identify?: IdentifyHook;
  /** An existing connection (left open on close); otherwise `config.databaseUrl` is opened. */
  sequelize?: Sequelize;
  /** Clock for token expiry, audit rows and their retention, the usage cache and the JWKS back-off. */
  now?: () => number;
  /** Helmet and CORS (default true); a host app that already sets them may turn them off. */
  securityHeaders?: boolean;
}

/** What `buildApp` adds: its server logs requests through `AccessLog`, so routes put their fields on that line. */
interface StandaloneOptions extends TenantDashOptions {
  accessLog?: boolean;
}

const plugin: FastifyPluginAsync<StandaloneOptions> = async (fastify, options) => {
  const { config } = options;
  const now = options.now ?? Date.now;

  await fastify.register(errors);
  await fastify.register(jsonBody, { bodyLimitBytes: config.http.bodyLimitBytes });
  if (options.securityHeaders !== false) {
    await fastify.register(securityHeaders, { corsOrigins: config.http.corsOrigins });
  }
  // After the security headers: its 503s while draining carry them.
  await fastify.register(shutdown, { graceMs: config.http.shutdownGraceMs });
  await fastify.register(redis, {
    ...(config.redis ? { redis: config.redis } : {}),
    startWithoutRedis: config.rateLimit.failOpen,
  });
  await fastify.register(metrics, { enabled: config.metrics.enabled });
  await fastify.register(caches, { now });
  await fastify.register(rateLimit, {
    globalMax: config.rateLimit.globalMax,
    windowMs: config.rateLimit.windowMs,
    failOpen: config.rateLimit.failOpen,
  });
  // Before the routes, which it collects as they are added.
  if (config.docs) await fastify.register(apiDocs);
  await fastify.register(db, {
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    mintCacheTtlMs: config.mintCacheTtlMs,
    auditRetentionDays: config.audit.retentionDays,
    now,
    ...(options.sequelize ? { sequelize: options.sequelize } : {}),
  });
  await fastify.register(auth, {
    ...(config.auth.jwt ? { jwt: config.auth.jwt } : {}),
    adminApiKeys: config.auth.adminApiKeys,
    ...(options.authorize ? { authorize: options.authorize } : {}),
    ...(options.identify ? { identify: options.identify } : {}),
    now,
  });
  await fastify.register(papermap, { config });
  await fastify.register(workspaces, { config });
  await fastify.register(usage, { ttlMs: config.usageCacheTtlMs });
  // Before the routes it counts (not the docs pages).
  if (config.metrics.enabled) await fastify.register(metricsRoute, { token: config.metrics.token });

  const schemas = buildSchemas(config.idPattern);
  await fastify.register(healthRoutes, { redisRequired: !config.rateLimit.failOpen });
  await fastify.register(
    async (api) => {
      await api.register(tokenRoutes, { schemas, config, now, accessLog: options.accessLog === true });
      await api.register(dashboardRoutes, { schemas, bodyLimit: config.http.bodyLimitBytes });
      await api.register(tenantRoutes, { schemas });
      await api.register(auditRoutes, { schemas, now });
    },
    { prefix: '/api/v1' },
  );
};

/** The token server, for a host app's `register` (encapsulated: its decorators and hooks stay inside). */
export const tenantdash: FastifyPluginAsync<TenantDashOptions> = plugin;

export interface BuildAppOptions extends Omit<TenantDashOptions, 'config'> {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: { write(line: string): void };
}

function serverOptions(
  config: ServerConfig,
  logStream?: { write(line: string): void },
): FastifyServerOptions {
  return {
    logger: loggerOptions(config.logLevel, logStream),
    logController: new AccessLog(),
    bodyLimit: config.http.bodyLimitBytes,
    // Fastify accepts a hop count too, though its types only list the other forms.
    trustProxy: config.http.trustProxy as boolean | string,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Draining answers in the shared shape instead (plugins/shutdown.ts).
    return503OnClosing: false,
    routerOptions: { maxParamLength: 256 },
    // Errors raised before routing: answered in the shared shape, without echoing the URL back.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const body = tooLong ? catalogueBody('URL_TOO_LONG') : catalogueBody('BAD_URL');
      void (reply as unknown as FastifyReply).code(body.statusCode).send(body);
    },
  };
}

/** The standalone server: the plugin at the root, with the hardened logger and limits. Not listening yet. */
export async function buildApp(
  config: ServerConfig,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const { logStream, ...pluginOptions } = options;
  const app = Fastify(serverOptions(config, logStream));
  // Unencapsulated here, so the root app carries the error handling and `app.store` (used by tests and the CLI).
  await app.register(fp(plugin, { name: 'tenantdash', fastify: '5.x' }), {
    config,
    ...pluginOptions,
    accessLog: true,
  });
  await app.ready();
  return app;
}
