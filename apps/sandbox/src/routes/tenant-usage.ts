import { idProblem } from '@tenantdash/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiError, MESSAGES } from '../errors.js';
import { PERIOD_PATTERN } from '../usage.js';
import { chargeTenant, requireSameWorkspace } from './charge.js';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;
const POSITIVE = /^[1-9][0-9]{0,8}$/;

interface UsageQuery {
  from_period?: string;
  to_period?: string;
  page: number;
  per_page: number;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw apiError('INVALID_QUERY', MESSAGES.givenOnce(name));
  return value;
}

function parseQuery(raw: unknown): UsageQuery {
  const query = (raw ?? {}) as Record<string, unknown>;
  const result: UsageQuery = { page: 1, per_page: DEFAULT_PER_PAGE };
  for (const name of ['from_period', 'to_period'] as const) {
    const value = single(query, name);
    if (value === undefined) continue;
    if (!PERIOD_PATTERN.test(value)) throw apiError('INVALID_PERIOD', MESSAGES.period(name));
    result[name] = value;
  }
  if (
    result.from_period !== undefined &&
    result.to_period !== undefined &&
    result.from_period > result.to_period
  ) {
    throw apiError('INVALID_PERIOD');
  }
  const page = single(query, 'page');
  if (page !== undefined) {
    if (!POSITIVE.test(page)) throw apiError('INVALID_PAGE');
    result.page = Number(page);
  }
  const perPage = single(query, 'per_page');
  if (perPage !== undefined) {
    if (!POSITIVE.test(perPage) || Number(perPage) > MAX_PER_PAGE) {
      throw apiError('INVALID_PER_PAGE', MESSAGES.perPage(MAX_PER_PAGE));
    }
    result.per_page = Number(perPage);
  }
  return result;
}

async function usageAnswer(app: FastifyInstance, request: FastifyRequest, tenantId?: string) {
  const query = parseQuery(request.query);
  const { rows, total } = await app.store.listUsage({
    workspaceId: request.signed.workspaceId,
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(query.from_period === undefined ? {} : { fromPeriod: query.from_period }),
    ...(query.to_period === undefined ? {} : { toPeriod: query.to_period }),
    limit: query.per_page,
    offset: (query.page - 1) * query.per_page,
  });
  // Charged after reading, so a usage report never includes its own call.
  await chargeTenant(app, request.signed, app.config.credits.tenantUsage);
  return {
    success: true,
    message: 'Tenant usage retrieved successfully',
    data: {
      workspace_id: request.signed.workspaceId,
      ...(tenantId === undefined ? {} : { tenant_id: tenantId }),
      usage: rows.map((row) => ({
        tenant_id: row.tenant_id,
        period: row.period,
        credits_used: Number(row.credits_used),
        request_count: Number(row.request_count),
      })),
      page: query.page,
      per_page: query.per_page,
      total,
      total_pages: Math.ceil(total / query.per_page),
      from_period: query.from_period ?? null,
      to_period: query.to_period ?? null,
    },
  };
}

export default async function tenantUsage(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { workspace_id: string } }>(
    '/api/v1/external/workspaces/:workspace_id/tenant-usage',
    async (request) => {
      requireSameWorkspace(request.signed, request.params.workspace_id);
      return usageAnswer(app, request);
    },
  );

  // Papermap has a per-tenant history endpoint whose path it does not document: the path is configurable.
  app.get<{ Params: { workspace_id: string; tenant_id: string } }>(
    app.config.tenantUsageHistoryPath,
    async (request) => {
      requireSameWorkspace(request.signed, request.params.workspace_id);
      if (idProblem(request.params.tenant_id) !== undefined) {
        throw apiError('INVALID_TENANT_ID');
      }
      return usageAnswer(app, request, request.params.tenant_id);
    },
  );
}
