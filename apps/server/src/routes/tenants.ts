/** Tenants: the admin list and kill switch, and credit usage (a tenant's own, or the workspace's for admins). */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { apiError, tenantNotFound } from '../errors.js';
import { ALWAYS, CALLER, DATABASE, errorResponses } from '../openapi.js';
import type { Schemas } from '../schemas.js';

interface UsageQuery {
  from_period?: string;
  to_period?: string;
  page?: string;
  per_page?: string;
  workspace_id?: string;
}

const usageResponse = {
  type: 'object',
  description: 'Usage rows as Papermap reports them (credits and requests per tenant and month), one page',
  examples: [
    {
      workspace_id: 'ws_demo',
      tenant_id: 'acme',
      usage: [{ tenant_id: 'acme', period: '2026-11', credits_used: 12, request_count: 2 }],
      page: 1,
      per_page: 50,
      total: 1,
      total_pages: 1,
    },
  ],
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

async function tenantRoutes(fastify: FastifyInstance, { schemas }: { schemas: Schemas }) {
  const { access, store, usage } = fastify;

  fastify.get(
    '/tenants',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['tenants'],
        summary: 'List tenants (admin)',
        description:
          'Every tenant, by id, with its kill-switch state, its Papermap workspace and how many dashboards it has.',
        response: {
          200: {
            type: 'object',
            description: 'The tenants',
            examples: [
              {
                tenants: [
                  {
                    tenant_id: 'acme',
                    disabled: false,
                    workspace_id: 'ws_demo',
                    dashboards: 1,
                    created_at: '2026-11-29T10:00:00.000Z',
                  },
                ],
              },
            ],
            properties: {
              tenants: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    tenant_id: { type: 'string' },
                    disabled: { type: 'boolean' },
                    // null only for a tenant without dashboards in hard-isolation mode, before it claims one.
                    workspace_id: { type: ['string', 'null'] },
                    dashboards: { type: 'integer' },
                    created_at: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses(CALLER, 'FORBIDDEN', DATABASE, ALWAYS),
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
        preParsing: access.authenticate,
        schema: {
          tags: ['tenants'],
          summary:
            action === 'disable'
              ? 'Disable a tenant: no new tokens (admin)'
              : 'Enable a tenant again (admin)',
          description:
            action === 'disable'
              ? 'The kill switch: no new token for this tenant, on every instance at once with Redis (within ' +
                '`MINT_CACHE_TTL_MS` without). Tokens already issued stay valid until they expire.'
              : 'Tokens are issued for the tenant again.',
          params: schemas.tenantParams,
          response: {
            200: schemas.tenant,
            ...errorResponses('VALIDATION_FAILED', CALLER, 'FORBIDDEN', 'TENANT_NOT_FOUND', DATABASE, ALWAYS),
          },
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
      preParsing: access.authenticate,
      schema: {
        tags: ['usage'],
        summary: "A tenant's credit usage per month",
        description:
          "The usage report of the tenant's workspace from Papermap (cached for `USAGE_CACHE_TTL_MS`), filtered to this tenant's " +
          'rows and paginated here. Members of the tenant and admins.',
        params: schemas.tenantParams,
        querystring: schemas.usageQuery,
        response: {
          200: usageResponse,
          ...errorResponses(
            'VALIDATION_FAILED',
            CALLER,
            'TENANT_NOT_FOUND',
            'UPSTREAM_ERROR',
            'UPSTREAM_TIMEOUT',
            DATABASE,
            ALWAYS,
          ),
        },
      },
    },
    async (request) => {
      const tenantId = request.params.tenant_id;
      await access.assertTenant(request, tenantId);
      const tenant = await store.tenant(tenantId);
      if (!tenant) throw tenantNotFound();
      const { page, perPage, range } = pageOf(request.query);
      return usage.report(range, page, perPage, {
        tenantId,
        ...(tenant.workspace_id !== null ? { workspaceId: tenant.workspace_id } : {}),
      });
    },
  );

  fastify.get<{ Querystring: UsageQuery }>(
    '/usage',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['usage'],
        summary: "The whole workspace's credit usage per tenant and month (admin)",
        description:
          "Papermap's usage report for `workspace_id` (the default workspace when absent; cached for `USAGE_CACHE_TTL_MS`), paginated here.",
        querystring: schemas.workspaceUsageQuery,
        response: {
          200: usageResponse,
          ...errorResponses(
            'VALIDATION_FAILED',
            CALLER,
            'FORBIDDEN',
            'WORKSPACE_UNKNOWN',
            'UPSTREAM_ERROR',
            'UPSTREAM_TIMEOUT',
            ALWAYS,
          ),
        },
      },
    },
    async (request) => {
      await access.assertAdmin(request);
      const { page, perPage, range } = pageOf(request.query);
      const workspaceId = request.query.workspace_id;
      if (workspaceId !== undefined && !fastify.workspaces.has(workspaceId))
        throw apiError('WORKSPACE_UNKNOWN');
      return usage.report(range, page, perPage, workspaceId !== undefined ? { workspaceId } : {});
    },
  );
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(tenantRoutes, {
  name: 'tenantdash-routes-tenants',
  dependencies: ['tenantdash-db', 'tenantdash-auth', 'tenantdash-workspaces', 'tenantdash-usage'],
  encapsulate: true,
});
