import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { apiError } from '../errors.js';
import { parseFaultSettings } from '../faults.js';
import { dashboardData } from './create-dashboard.js';

export const ADMIN_TOKEN_HEADER = 'x-sandbox-admin-token';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * tenantdash extension, not Papermap: test controls under /__sandbox/. Without a configured admin token
 * they do not exist (404); with one, every call must carry it in `x-sandbox-admin-token` (else 401).
 */
export default async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const expected = app.config.adminToken;
    if (expected === undefined) throw apiError('NOT_FOUND');
    const given = request.headers[ADMIN_TOKEN_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, expected)) {
      throw apiError('ADMIN_UNAUTHORIZED');
    }
  });

  app.get('/__sandbox/faults', async () => ({ fault: app.faults.settings }));

  app.put('/__sandbox/faults', async (request) => {
    app.faults.set(parseFaultSettings(request.body));
    return { fault: app.faults.settings };
  });

  app.delete('/__sandbox/faults', async () => {
    app.faults.reset();
    return { fault: app.faults.settings };
  });

  app.get<{ Querystring: { workspace_id?: unknown } }>('/__sandbox/dashboards', async (request) => {
    const workspaceId = request.query.workspace_id;
    if (typeof workspaceId !== 'string' || workspaceId === '') {
      throw apiError('INVALID_QUERY');
    }
    const rows = await app.store.listDashboards(workspaceId);
    return { workspace_id: workspaceId, count: rows.length, dashboards: rows.map(dashboardData) };
  });
}
