/**
 * The token server as a Fastify plugin. `buildApp` wraps it into the standalone server; a team with its own
 * Fastify app registers `tenantdash` directly (under a prefix of its choice) with an `authorize` hook.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import fp from 'fastify-plugin';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { Sequelize } from 'sequelize';
import type { ServerConfig } from './config.js';
import { ApiError, apiError, catalogueBody, MESSAGES } from './errors.js';
import { AccessLog, loggerOptions } from './logging.js';
import auth, { type AuthorizeHook, type IdentifyHook } from './plugins/auth.js';
import db from './plugins/db.js';
import { installErrorHandling } from './plugins/errors.js';
import metrics, { type RedisUse } from './plugins/metrics.js';
import { openapiOptions } from './openapi.js';
import papermap from './plugins/papermap.js';
import workspaces from './plugins/workspaces.js';
import redis from './plugins/redis.js';
import securityHeaders from './plugins/security-headers.js';
import auditRoutes from './routes/audit.js';
import dashboardRoutes from './routes/dashboards.js';
import healthRoutes from './routes/health.js';
import tokenRoutes from './routes/iframe-token.js';
import tenantRoutes from './routes/tenants.js';
import { buildSchemas } from './schemas.js';
import { failureLog } from './services/failure-log.js';
import { sharedRateLimitStore } from './services/rate-limit-store.js';
import { LocalCache, MirroredCache, RedisCache, type SharedCache } from './services/shared-cache.js';
import { MAX_LOCAL_USAGE_ENTRIES, UsageService } from './services/usage.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** From now on every request is answered 503 SHUTTING_DOWN with `Connection: close`; `close()` follows. */
    startDraining(): void;
  }
}

/**
 * The docs page's CSP: swagger-ui's own strict one, except that swagger-ui sets inline styles (blocked, and
 * logged as a console error, without 'unsafe-inline'; styles cannot run code), and without
 * `upgrade-insecure-requests`, which would send the page's same-origin fetch of /docs/json to https on a
 * server reached over plain HTTP inside a network.
 */
export function docsContentSecurityPolicy(header: string): string {
  return header
    .replace(/style-src ([^;]*);/, (_all, sources: string) => `style-src ${sources.trim()} 'unsafe-inline';`)
    .replace(/\s*upgrade-insecure-requests;?/, '');
}

export interface TenantdashOptions {
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

function strictValidator() {
  // The same strictness whatever the host app configured: no coercion, no silent stripping of extra fields.
  const ajv = new Ajv({
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: false,
    allErrors: false,
    strict: false,
  });
  return ({ schema }: { schema: object }) => ajv.compile(schema);
}

export const tenantdash: FastifyPluginAsync<TenantdashOptions> = async (fastify, options) => {
  const { config } = options;
  const now = options.now ?? Date.now;
  const schemas = buildSchemas(config.idPattern);

  installErrorHandling(fastify);
  fastify.setValidatorCompiler(strictValidator());
  // JSON only: a text/plain body is refused with 415 instead of reaching the schemas as a string.
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: config.http.bodyLimitBytes },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  if (options.securityHeaders !== false) {
    await fastify.register(securityHeaders, {
      helmet: {
        // A JSON API: nothing to frame, nothing to leak in a Referer (tokens travel in embed URLs).
        referrerPolicy: { policy: 'no-referrer' },
        crossOriginResourcePolicy: { policy: 'same-site' },
      },
    });
    await fastify.register(cors, {
      origin: config.http.corsOrigins.length > 0 ? [...config.http.corsOrigins] : false,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      // Readable by browsers on other origins: the clock (skew correction) and how long to back off.
      exposedHeaders: ['Date', 'Retry-After'],
      maxAge: 600,
    });
  }
  await fastify.register(redis, {
    ...(config.redis ? { redis: config.redis } : {}),
    startWithoutRedis: config.rateLimit.failOpen,
  });
  // Logged (throttled) and counted in the metrics, which are registered later and may be turned off.
  const redisFailure = (use: RedisUse, message: string) => {
    const log = failureLog(fastify.log, message);
    return (error: unknown) => {
      log(error);
      if (fastify.hasDecorator('tenantdashMetrics')) fastify.tenantdashMetrics.countRedisFailure(use);
    };
  };
  const sharedStore = fastify.redis
    ? sharedRateLimitStore(fastify.redis, {
        failOpen: config.rateLimit.failOpen,
        onFailure: redisFailure(
          'rate_limit',
          config.rateLimit.failOpen
            ? 'rate limit store unreachable: requests pass uncounted (RATE_LIMIT_FAIL_OPEN)'
            : 'rate limit store unreachable: requests refused with 503',
        ),
      })
    : undefined;
  const sharedCache = fastify.redis
    ? new RedisCache(fastify.redis, redisFailure('cache', 'cache unreachable: reading from the source'), now)
    : undefined;
  // The token endpoint's lookups: in this process, dropped on every instance through Redis Pub/Sub.
  const mintCache =
    fastify.redis && sharedCache
      ? new MirroredCache(
          fastify.redis,
          sharedCache,
          redisFailure('cache', 'cache drops unreachable: reading from the source'),
          now,
        )
      : undefined;
  if (mintCache) {
    await mintCache.start();
    fastify.addHook('onClose', async () => mintCache.close());
  }
  const cache: SharedCache = mintCache ?? new LocalCache(undefined, now);
  await fastify.register(rateLimit, {
    ...(sharedStore ? { store: sharedStore } : {}),
    global: true,
    max: config.rateLimit.globalMax,
    timeWindow: config.rateLimit.windowMs,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        context.statusCode === 403 ? 403 : 429,
        'RATE_LIMITED',
        MESSAGES.rateLimitedIn(context.after),
      ),
  });
  // Unknown routes count against the same per-IP limit as the others: probing for routes is not free.
  fastify.setNotFoundHandler({ preHandler: fastify.rateLimit() }, (_request, reply) =>
    reply.code(404).send(catalogueBody('ROUTE_NOT_FOUND')),
  );
  if (config.docs) {
    await fastify.register(swagger, openapiOptions);
    await fastify.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: docsContentSecurityPolicy,
    });
  }
  await fastify.register(db, {
    databaseUrl: config.databaseUrl,
    poolMax: config.databasePoolMax,
    mintCacheTtlMs: config.mintCacheTtlMs,
    cache,
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
  // Before papermap (it feeds the upstream histogram) and the routes (each gets its counters when added).
  if (config.metrics.enabled) await fastify.register(metrics, { token: config.metrics.token });
  await fastify.register(papermap, { config });
  await fastify.register(workspaces, { config });

  // Graceful close: Fastify stops accepting connections, but keep-alive sockets whose requests finish after
  // that would hold `close()` open until their idle timeout. Answers sent while closing end their socket.
  // `startDraining` begins this before `close()` (the standalone server's grace period on SIGTERM): a request
  // sent on an idle keep-alive socket then gets a 503 it can retry elsewhere, instead of the connection reset
  // it would meet if `close()` cut that socket while the request was on its way; /readyz answers 503 too, so
  // the load balancer stops sending new ones.
  let closing = false;
  fastify.decorate('startDraining', () => {
    closing = true;
  });
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  // Requests that still arrive on open keep-alive sockets while closing: refused in the shared shape, so a
  // load balancer retries them elsewhere (Fastify's own 503 is turned off in `serverOptions`).
  // Callback hooks (not async): they run on every request, and an async hook costs a promise each time.
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    done(apiError('SHUTTING_DOWN'));
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const usage = new UsageService(
    fastify.workspaces,
    sharedCache ?? new LocalCache(MAX_LOCAL_USAGE_ENTRIES, now),
    config.usageCacheTtlMs,
  );
  await fastify.register(healthRoutes, { redisRequired: !config.rateLimit.failOpen });
  await fastify.register(
    async (api) => {
      await api.register(tokenRoutes, { schemas, config, now });
      await api.register(dashboardRoutes, { schemas, bodyLimit: config.http.bodyLimitBytes });
      await api.register(tenantRoutes, { schemas, usage });
      await api.register(auditRoutes, { schemas, now });
    },
    { prefix: '/api/v1' },
  );
};

export interface BuildAppOptions extends Omit<TenantdashOptions, 'config'> {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: { write(line: string): void };
}

export function serverOptions(
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
  await app.register(fp(tenantdash, { name: 'tenantdash', fastify: '5.x' }), { config, ...pluginOptions });
  await app.ready();
  return app;
}
