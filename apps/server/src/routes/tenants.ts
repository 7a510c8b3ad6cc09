/** Tenants: the admin list and kill switch, and credit usage (a tenant's own, or the workspace's for admins). */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { tenantNotFound } from '../errors.js';
import { errorResponses, type Schemas } from '../schemas.js';
import type { UsageService } from '../services/usage.js';

interface UsageQuery {
  from_period?: string;
  to_period?: string;
  page?: string;
  per_page?: string;
}

const usageResponse = {
  type: 'object',
  properties: {
    workspace_id: { type: 'string' },
    tenant_id: { type: 'string' },
    // Papermap does not document the item fields: they are passed through as received.
    usage: { type: 'array', items: { type: 'object', additionalProperties: true } },
    page: { type: 'integer' },
    per_page: { type: 'integer' },
    total: { type: 'integer' },
    total_pages: { type: 'integer' },
  },
} as const;

async function tenantRoutes(
  fastify: FastifyInstance,
  { schemas, usage }: { schemas: Schemas; usage: UsageService },
) {
  const { access, store } = fastify;

  fastify.get(
    '/tenants',
    {
      onRequest: access.authenticate,
      schema: {
        tags: ['tenants'],
        summary: 'List tenants (admin)',
        response: {
          200: {
            type: 'object',
            properties: {
              tenants: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    tenant_id: { type: 'string' },
                    disabled: { type: 'boolean' },
                    dashboards: { type: 'integer' },
                    created_at: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses(401, 403, 429),
        },
      },
    },
    async (request) => {
      await access.assertAdmin(request);
      return { tenants: await store.listTenants() };
    },
  );

  for (const action of ['disable', 'enable'] as const) {
    fastify.post<{ Params: { tenant_id: string } }>(
      `/tenants/:tenant_id/${action}`,
      {
        onRequest: access.authenticate,
        schema: {
          tags: ['tenants'],
          summary:
            action === 'disable'
              ? 'Disable a tenant: no new tokens (admin)'
              : 'Enable a tenant again (admin)',
          params: schemas.tenantParams,
          response: { 200: schemas.tenant, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request) => {
        await access.assertAdmin(request);
        const tenantId = request.params.tenant_id;
        if (!(await store.setDisabled(tenantId, action === 'disable'))) throw tenantNotFound();
        request.log.info({ tenant_id: tenantId }, `tenant ${action}d`);
        return { tenant_id: tenantId, disabled: action === 'disable' };
      },
    );
  }

  const pageOf = (query: UsageQuery) => ({
    page: query.page === undefined ? 1 : Number(query.page),
    perPage: query.per_page === undefined ? 50 : Number(query.per_page),
    range: {
      ...(query.from_period !== undefined ? { from_period: query.from_period } : {}),
      ...(query.to_period !== undefined ? { to_period: query.to_period } : {}),
    },
  });

  fastify.get<{ Params: { tenant_id: string }; Querystring: UsageQuery }>(
    '/tenants/:tenant_id/usage',
    {
      onRequest: access.authenticate,
      schema: {
        tags: ['usage'],
        summary: "A tenant's credit usage per month",
        params: schemas.tenantParams,
        querystring: schemas.usageQuery,
        response: { 200: usageResponse, ...errorResponses(400, 401, 404, 429, 502, 504) },
      },
    },
    async (request) => {
      const tenantId = request.params.tenant_id;
      await access.assertTenant(request, tenantId);
      if (!(await store.tenant(tenantId))) throw tenantNotFound();
      const { page, perPage, range } = pageOf(request.query);
      return usage.report(range, page, perPage, tenantId);
    },
  );

  fastify.get<{ Querystring: UsageQuery }>(
    '/usage',
    {
      onRequest: access.authenticate,
      schema: {
        tags: ['usage'],
        summary: "The whole workspace's credit usage per tenant and month (admin)",
        querystring: schemas.usageQuery,
        response: { 200: usageResponse, ...errorResponses(400, 401, 403, 429, 502, 504) },
      },
    },
    async (request) => {
      await access.assertAdmin(request);
      const { page, perPage, range } = pageOf(request.query);
      return usage.report(range, page, perPage);
    },
  );
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(tenantRoutes, {
  name: 'tenantdash-routes-tenants',
  dependencies: ['tenantdash-db', 'tenantdash-auth', 'tenantdash-papermap'],
  encapsulate: true,
});
