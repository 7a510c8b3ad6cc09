/** Provisioning and listing tenants' dashboards; every answer is scoped to the tenants the caller may use. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { dashboardNotFound, tenantNotFound } from '../errors.js';
import { errorResponses, type Schemas } from '../schemas.js';
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
}

async function dashboardRoutes(fastify: FastifyInstance, { schemas, bodyLimit }: RouteOptions) {
  const { access } = fastify;

  fastify.post<{ Body: ProvisionBody; Headers: { 'idempotency-key'?: string } }>(
    '/dashboards',
    {
      bodyLimit,
      onRequest: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Provision a dashboard for a tenant (admin); honours Idempotency-Key',
        headers: schemas.idempotencyHeaders,
        body: schemas.provisionBody,
        response: {
          201: schemas.dashboard,
          ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429, 502, 504),
        },
      },
    },
    async (request, reply) => {
      await access.assertAdmin(request);
      const { body } = request;
      const result = await provisionDashboard(
        fastify.store,
        fastify.papermap,
        {
          tenant_id: body.tenant_id,
          name: body.name,
          description: body.description ?? null,
          make_default: body.make_default ?? false,
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
      onRequest: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: "List a tenant's dashboards",
        querystring: schemas.tenantQuery,
        response: {
          200: { type: 'object', properties: { dashboards: { type: 'array', items: schemas.dashboard } } },
          ...errorResponses(400, 401, 404, 429),
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
      onRequest: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Read one dashboard mapping',
        params: schemas.dashboardParams,
        response: { 200: schemas.dashboard, ...errorResponses(400, 401, 404, 429) },
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
      onRequest: access.authenticate,
      schema: {
        tags: ['dashboards'],
        summary: 'Remove a dashboard mapping (admin; Papermap has no delete, the dashboard stays upstream)',
        params: schemas.dashboardParams,
        response: { 204: { type: 'null' }, ...errorResponses(400, 401, 403, 404, 429) },
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
  dependencies: ['tenantdash-db', 'tenantdash-auth', 'tenantdash-papermap'],
  encapsulate: true,
});
