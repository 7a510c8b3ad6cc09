/** Provisioning and listing tenants' dashboards; every answer is scoped to the tenants the caller may use. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { dashboardNotFound, tenantNotFound } from '../errors.js';
import { ALWAYS, CALLER, DATABASE, errorResponses } from '../openapi.js';
import type { Schemas } from '../schemas.js';
import { provisionDashboard } from '../services/provision.js';
import { dashboardView } from '../services/store.js';

export interface RouteOptions {
  schemas: Schemas;
  bodyLimit: number;
}

interface ProvisionBody {
  tenant_id: string;
  name: string;
  description?: string | null;
  make_default?: boolean;
  workspace_id?: string;
}

async function dashboardRoutes(fastify: FastifyInstance, { schemas, bodyLimit }: RouteOptions) {
  const { access } = fastify;

  fastify.post<{ Body: ProvisionBody; Headers: { 'idempotency-key'?: string } }>(
    '/dashboards',
    {
      bodyLimit,
      preParsing: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Provision a dashboard for a tenant (admin); honours Idempotency-Key',
        description:
          'Creates the dashboard at Papermap (a signed request) and stores the mapping; the tenant is created by ' +
          'its first dashboard, which becomes its default (`make_default` moves the default). With an ' +
          '`Idempotency-Key`, a retry gets the first answer back (`Idempotent-Replayed: true`) without a second ' +
          'dashboard upstream. On an upstream failure nothing is stored and the same key may be retried. ' +
          'A new tenant goes to `workspace_id` (the default workspace when absent); an existing tenant stays in its own.',
        headers: schemas.idempotencyHeaders,
        body: schemas.provisionBody,
        response: {
          201: {
            ...schemas.dashboard,
            description: 'Created: the mapping stored (or, for a replayed Idempotency-Key, the first answer)',
          },
          ...errorResponses(
            'VALIDATION_FAILED',
            'INVALID_JSON',
            'IDEMPOTENCY_KEY_INVALID',
            'WORKSPACE_UNKNOWN',
            CALLER,
            'FORBIDDEN',
            'IDEMPOTENCY_KEY_IN_PROGRESS',
            'TENANT_WORKSPACE_CONFLICT',
            'WORKSPACE_TAKEN',
            'BODY_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'IDEMPOTENCY_KEY_REUSED',
            'UPSTREAM_ERROR',
            'UPSTREAM_TIMEOUT',
            DATABASE,
            ALWAYS,
          ),
        },
      },
    },
    async (request, reply) => {
      await access.assertAdmin(request);
      const { body } = request;
      const result = await provisionDashboard(
        fastify.store,
        fastify.workspaces,
        {
          tenant_id: body.tenant_id,
          name: body.name,
          description: body.description ?? null,
          make_default: body.make_default ?? false,
          ...(body.workspace_id !== undefined ? { workspace_id: body.workspace_id } : {}),
        },
        request.headers['idempotency-key'],
      );
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      request.log.info(
        {
          tenant_id: result.body.tenant_id,
          dashboard_id: result.body.dashboard_id,
          replayed: result.replayed,
        },
        'dashboard provisioned',
      );
      return reply.code(result.statusCode).send(result.body);
    },
  );

  fastify.get<{ Querystring: { tenant_id: string } }>(
    '/dashboards',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: "List a tenant's dashboards",
        description: 'Oldest first. Members of the tenant and admins; anyone else gets 404 TENANT_NOT_FOUND.',
        querystring: schemas.tenantQuery,
        response: {
          200: {
            type: 'object',
            description: "The tenant's dashboard mappings",
            examples: [{ dashboards: schemas.dashboard.examples }],
            properties: { dashboards: { type: 'array', items: schemas.dashboard } },
          },
          ...errorResponses('VALIDATION_FAILED', CALLER, 'TENANT_NOT_FOUND', DATABASE, ALWAYS),
        },
      },
    },
    async (request) => {
      const tenantId = request.query.tenant_id;
      await access.assertTenant(request, tenantId);
      if (!(await fastify.store.tenant(tenantId))) throw tenantNotFound();
      const rows = await fastify.store.dashboards(tenantId);
      return { dashboards: rows.map(dashboardView) };
    },
  );

  fastify.get<{ Params: { dashboard_id: string } }>(
    '/dashboards/:dashboard_id',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Read one dashboard mapping',
        description:
          "Members of its tenant and admins; another tenant's dashboard answers like a missing one.",
        params: schemas.dashboardParams,
        response: {
          200: schemas.dashboard,
          ...errorResponses('VALIDATION_FAILED', CALLER, 'DASHBOARD_NOT_FOUND', DATABASE, ALWAYS),
        },
      },
    },
    async (request) => {
      const row = await fastify.store.dashboard(request.params.dashboard_id);
      // Another tenant's dashboard is indistinguishable from a missing one.
      if (!row || !(await access.mayUseTenant(request, row.tenant_id))) throw dashboardNotFound();
      return dashboardView(row);
    },
  );

  fastify.delete<{ Params: { dashboard_id: string } }>(
    '/dashboards/:dashboard_id',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Remove a dashboard mapping (admin; Papermap has no delete, the dashboard stays upstream)',
        description:
          "A removed default is replaced by the tenant's oldest remaining dashboard. Tokens already issued stay " +
          'valid until they expire.',
        params: schemas.dashboardParams,
        response: {
          204: { type: 'null', description: 'Removed' },
          ...errorResponses(
            'VALIDATION_FAILED',
            CALLER,
            'FORBIDDEN',
            'DASHBOARD_NOT_FOUND',
            DATABASE,
            ALWAYS,
          ),
        },
      },
    },
    async (request, reply) => {
      await access.assertAdmin(request);
      const row = await fastify.store.dashboard(request.params.dashboard_id);
      if (!row) throw dashboardNotFound();
      await fastify.store.removeDashboard(row);
      request.log.info(
        { tenant_id: row.tenant_id, dashboard_id: row.dashboard_id },
        'dashboard mapping removed',
      );
      return reply.code(204).send();
    },
  );
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(dashboardRoutes, {
  name: 'tenantdash-routes-dashboards',
  dependencies: ['tenantdash-db', 'tenantdash-auth', 'tenantdash-workspaces'],
  encapsulate: true,
});
