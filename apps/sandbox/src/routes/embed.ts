import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiError, ERRORS, errorBody, MESSAGES } from '../errors.js';
import { periodOf } from '../usage.js';
import { renderDashboard, renderError, type PageContext, type RenderedPage } from '../embed/page.js';
import { EmbedRefusal, claimedWorkspace, verifyEmbed } from '../embed/verify.js';

type Query = Record<string, unknown>;

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An optional parameter: absent (undefined), once with a value, or `null` when empty or repeated. */
function optional(query: Query, name: string): string | undefined | null {
  return query[name] === undefined ? undefined : (one(query, name) ?? null);
}

function send(reply: FastifyReply, status: number, page: RenderedPage): FastifyReply {
  return reply.code(status).headers(page.headers).send(page.html);
}

/** Papermap's embed page, plus the token re-check endpoint of the postMessage extension. */
export default async function embedRoutes(app: FastifyInstance): Promise<void> {
  const { store, config } = app;

  // The three forms Papermap's docs show: `?embedded-token=<token>` (the token pasted raw or percent-encoded;
  // it names the workspace and dashboard), the same with `&debug=true`, and with `&workspace-id=…&dashboard-id=…`,
  // which must then be the token's.
  app.get('/embedded/dashboard', async (request, reply) => {
    const query = (request.query ?? {}) as Query;
    const token = one(query, 'embedded-token');
    const workspaceId = optional(query, 'workspace-id');
    const dashboardId = optional(query, 'dashboard-id');
    const nowMs = config.now();
    const ctx = (allowedOrigins: string[]): PageContext => ({
      allowedOrigins,
      debug: query.debug === 'true',
      nowMs,
      leadSeconds: config.tokenExpiringLeadSeconds,
    });
    if (token === undefined || workspaceId === null || dashboardId === null) {
      const { status } = ERRORS.MISSING_PARAMETERS;
      return send(reply, status, renderError('MISSING_PARAMETERS', status, ctx([])));
    }
    try {
      const { claims, dashboard } = await verifyEmbed(store, config, { token, workspaceId, dashboardId });
      const origins = await store.allowedOrigins(claims.workspace_id);
      // A view is a GET; Fastify's automatic HEAD route shares this handler and must not be charged.
      if (request.method === 'GET') {
        await store.recordUsage({
          workspaceId: claims.workspace_id,
          tenantId: claims.tenant_id,
          period: periodOf(nowMs),
          credits: config.credits.embedView,
          now: new Date(nowMs),
        });
      }
      const page = renderDashboard(
        {
          workspaceId: claims.workspace_id,
          tenantId: claims.tenant_id,
          dashboardId: claims.dashboard_id,
          title: dashboard.title,
          description: dashboard.description,
          expiresAt: claims.valid_until,
        },
        ctx(origins),
      );
      return send(reply, 200, page);
    } catch (error) {
      if (!(error instanceof EmbedRefusal)) throw error;
      request.log.info({ code: error.code }, 'embed refused');
      const workspace = claimedWorkspace(token);
      const origins = workspace === undefined ? [] : await store.allowedOrigins(workspace);
      return send(reply, error.status, renderError(error.code, error.status, ctx(origins)));
    }
  });

  // tenantdash extension: lets a loaded page verify a fresh token from its parent without reloading.
  app.post('/embedded/dashboard/token-check', async (request, reply) => {
    const body = request.body as Record<string, unknown> | null;
    const fields = ['token', 'workspace_id', 'dashboard_id', 'tenant_id'] as const;
    if (
      body === null ||
      typeof body !== 'object' ||
      fields.some((f) => typeof body[f] !== 'string' || body[f] === '')
    ) {
      throw apiError('INVALID_BODY', MESSAGES.tokenCheckBody);
    }
    reply.header('cache-control', 'no-store');
    try {
      const { claims } = await verifyEmbed(store, config, {
        token: body.token as string,
        workspaceId: body.workspace_id as string,
        dashboardId: body.dashboard_id as string,
      });
      if (claims.tenant_id !== body.tenant_id) throw new EmbedRefusal('TOKEN_MISMATCH');
      return { valid: true, expires_at: claims.valid_until };
    } catch (error) {
      if (!(error instanceof EmbedRefusal)) throw error;
      const refusal = apiError(error.code, MESSAGES.embedRefused);
      return reply.code(refusal.statusCode).send(errorBody(refusal));
    }
  });
}
