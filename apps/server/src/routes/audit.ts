/** The token audit table, for admins: pages of issued tokens, and a summary of a time range. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ALWAYS, CALLER, DATABASE, errorResponses } from '../openapi.js';
import type { Schemas } from '../schemas.js';
import { parseRange } from '../services/time-range.js';

interface AuditQuery {
  tenant_id?: string;
  subject?: string;
  dashboard_id?: string;
  from?: string;
  to?: string;
  limit?: string;
  cursor?: string;
}

interface SummaryQuery {
  from?: string;
  to?: string;
  top?: string;
}

async function auditRoutes(
  fastify: FastifyInstance,
  { schemas, now }: { schemas: Schemas; now: () => number },
) {
  const { access, store } = fastify;

  fastify.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['audit'],
        summary: 'Issued tokens, newest first (admin)',
        description:
          'One row per embed token issued: tenant, dashboard, subject, client IP and user agent, issue and expiry ' +
          'times, and the SHA-256 of the token (never the token). Filters combine; pages follow `next_cursor`. ' +
          'Rows older than `AUDIT_RETENTION_DAYS` (90 by default) are pruned.',
        querystring: schemas.auditQuery,
        response: {
          200: schemas.auditPage,
          ...errorResponses(
            'VALIDATION_FAILED',
            'INVALID_CURSOR',
            'INVALID_TIME_RANGE',
            CALLER,
            'FORBIDDEN',
            DATABASE,
            ALWAYS,
          ),
        },
      },
    },
    async (request) => {
      await access.assertAdmin(request);
      const query = request.query;
      const range = parseRange(query.from, query.to);
      return store.auditLog.list({
        ...range,
        ...(query.tenant_id !== undefined ? { tenantId: query.tenant_id } : {}),
        ...(query.subject !== undefined ? { subject: query.subject } : {}),
        ...(query.dashboard_id !== undefined ? { dashboardId: query.dashboard_id } : {}),
        ...(query.limit !== undefined ? { limit: Number(query.limit) } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
    },
  );

  fastify.get<{ Querystring: SummaryQuery }>(
    '/audit/summary',
    {
      preParsing: access.authenticate,
      schema: {
        tags: ['audit'],
        summary: 'Tokens per tenant and per subject over a time range (admin)',
        description:
          'Totals for the range (the last 24 hours by default), the tenants and subjects with the most tokens, ' +
          'and the subjects that reached the most distinct tenants: where to look for unusual access.',
        querystring: schemas.summaryQuery,
        response: {
          200: schemas.auditSummary,
          ...errorResponses('VALIDATION_FAILED', 'INVALID_TIME_RANGE', CALLER, 'FORBIDDEN', DATABASE, ALWAYS),
        },
      },
    },
    async (request) => {
      await access.assertAdmin(request);
      const { from, to, top } = request.query;
      return store.auditLog.summary(
        { ...parseRange(from, to), ...(top !== undefined ? { top: Number(top) } : {}) },
        now(),
      );
    },
  );
}

// Encapsulated (routes keep their prefix), but named and with the plugins they need declared.
export default fp(auditRoutes, {
  name: 'tenantdash-routes-audit',
  dependencies: ['tenantdash-db', 'tenantdash-auth'],
  encapsulate: true,
});
