/**
 * POST /dashboards/iframe-token: the endpoint browsers hit. Hook order matters: the caller is identified
 * first without failing, so the rate limit can count per user and tenant (or per IP for callers that could
 * not be identified, which is what a credential-guessing flood looks like), and only then is a missing or
 * bad credential refused.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.js';
import { apiError, MESSAGES } from '../errors.js';
import { ALWAYS, CALLER, DATABASE, errorResponses } from '../openapi.js';
import type { Schemas } from '../schemas.js';
import { mintEmbedToken } from '../services/tokens.js';

interface TokenBody {
  tenant_id?: string;
  dashboard_id?: string;
  tenantId?: string;
  dashboardId?: string;
}

export interface TokenRouteOptions {
  schemas: Schemas;
  config: ServerConfig;
  now: () => number;
  /** The server logs its requests through `AccessLog` (logging.ts), which puts `accessLogFields` on the access line. */
  accessLog: boolean;
}

function rateLimitKey(request: FastifyRequest): string {
  const identity = request.identity;
  if (!identity) return `ip:${request.ip}`;
  const body = request.body as Record<string, unknown> | undefined;
  const tenant = body?.tenant_id ?? body?.tenantId;
  const tenantKey = typeof tenant === 'string' && tenant.length <= 128 ? tenant : '-';
  return `user:${identity.subject}\u0000tenant:${tenantKey}`;
}

/** Accepts `{ tenant_id, dashboard_id? }` or `{ tenantId, dashboardId? }`, never a mix of the two. */
function readBody(body: TokenBody): { tenantId: string; dashboardId?: string } {
  const snake = body.tenant_id !== undefined || body.dashboard_id !== undefined;
  const camel = body.tenantId !== undefined || body.dashboardId !== undefined;
  if (snake && camel) {
    throw apiError('VALIDATION_FAILED', MESSAGES.tokenBodyMixed);
  }
  const tenantId = snake ? body.tenant_id : body.tenantId;
  const dashboardId = snake ? body.dashboard_id : body.dashboardId;
  if (tenantId === undefined) throw apiError('VALIDATION_FAILED', MESSAGES.tokenBodyTenant);
  return dashboardId === undefined ? { tenantId } : { tenantId, dashboardId };
}

async function tokenRoutes(fastify: FastifyInstance, { schemas, config, now, accessLog }: TokenRouteOptions) {
  const { access } = fastify;
  fastify.decorateRequest('accessLogFields', null);
  const limiter = fastify.rateLimit({
    // Names its counters in a shared store (see services/rate-limit-store.ts).
    groupId: 'iframe-token',
    max: config.rateLimit.tokenMax,
    timeWindow: config.rateLimit.windowMs,
    keyGenerator: rateLimitKey,
  });

  fastify.post<{ Body: TokenBody }>(
    '/dashboards/iframe-token',
    {
      bodyLimit: Math.min(config.http.bodyLimitBytes, 4096),
      config: { rateLimit: false },
      preValidation: [
        access.identifyQuietly,
        limiter,
        (request, _reply, done) => {
          try {
            access.requireIdentity(request);
            done();
          } catch (error) {
            done(error as Error);
          }
        },
      ],
      schema: {
        tags: ['tokens'],
        summary: 'Mint an embed token for a tenant the caller belongs to',
        description:
          "`{ tenant_id, dashboard_id? }` (or `{ tenantId, dashboardId? }`): without a dashboard id, the tenant's " +
          'default. The dashboard and workspace come from the stored mapping, never from the request; the token ' +
          'is answered only once its audit row is written. Rate limited per user and tenant (per IP for callers ' +
          'not authenticated). A 503 is never a sign-out: retry after `Retry-After`.',
        body: schemas.tokenBody,
        response: {
          200: schemas.token,
          ...errorResponses(
            'VALIDATION_FAILED',
            'INVALID_JSON',
            CALLER,
            'TENANT_DISABLED',
            'TENANT_NOT_FOUND',
            'DASHBOARD_NOT_FOUND',
            'NO_DEFAULT_DASHBOARD',
            'BODY_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            DATABASE,
            ALWAYS,
          ),
        },
      },
    },
    async (request, reply) => {
      const identity = access.requireIdentity(request);
      const { tenantId, dashboardId } = readBody(request.body);
      const decided = access.assertTenant(request, tenantId);
      if (decided) await decided;
      const userAgent = request.headers['user-agent'];
      const issued = await mintEmbedToken(
        fastify.store,
        config,
        {
          tenantId,
          ...(dashboardId !== undefined ? { dashboardId } : {}),
          subject: identity.subject,
          ip: request.ip,
          ...(typeof userAgent === 'string' ? { userAgent } : {}),
        },
        now,
      );
      const logged = {
        tenant_id: tenantId,
        dashboard_id: issued.dashboard_id,
        subject: identity.subject,
        expires_at: issued.expires_at,
      };
      // On the request's access line (one line per request) in the standalone server; a host app's own
      // request logging would not carry it, so there it gets a line of its own.
      if (accessLog) request.accessLogFields = logged;
      else request.log.info(logged, 'embed token issued');
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return issued;
    },
  );
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(tokenRoutes, {
  name: 'tenantdash-routes-iframe-token',
  dependencies: ['tenantdash-db', 'tenantdash-auth', 'tenantdash-rate-limit'],
  encapsulate: true,
});
