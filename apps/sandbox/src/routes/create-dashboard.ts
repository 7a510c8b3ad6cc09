import type { FastifyInstance } from 'fastify';
import type { DashboardAttrs } from '../db/models.js';
import { apiError, bodyWorkspaceMismatch, MESSAGES } from '../errors.js';
import { chargeTenant } from './charge.js';

export const MAX_TITLE_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 2000;

interface CreateDashboardBody {
  workspace_id: string;
  title: string;
  description: string | null;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function parseBody(body: unknown, signedWorkspace: string): CreateDashboardBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw apiError('INVALID_BODY');
  }
  const input = body as Record<string, unknown>;
  if (typeof input.workspace_id !== 'string' || input.workspace_id === '') {
    throw apiError('INVALID_WORKSPACE_ID');
  }
  if (input.workspace_id !== signedWorkspace) {
    throw bodyWorkspaceMismatch();
  }
  if (typeof input.title !== 'string' || input.title.trim() === '') {
    throw apiError('INVALID_TITLE');
  }
  if (codePoints(input.title) > MAX_TITLE_LENGTH) {
    throw apiError('INVALID_TITLE', MESSAGES.titleLength(MAX_TITLE_LENGTH));
  }
  const description = input.description ?? null;
  if (description !== null && typeof description !== 'string') {
    throw apiError('INVALID_DESCRIPTION');
  }
  if (description !== null && codePoints(description) > MAX_DESCRIPTION_LENGTH) {
    throw apiError('INVALID_DESCRIPTION', MESSAGES.descriptionLength(MAX_DESCRIPTION_LENGTH));
  }
  return { workspace_id: input.workspace_id, title: input.title, description };
}

/** Papermap's dashboard object (docs/papermap-protocol.md §5); fields the sandbox does not model are fixed values. */
export function dashboardData(row: DashboardAttrs) {
  return {
    dashboard_id: row.dashboard_id,
    title: row.title,
    description: row.description,
    workspace_id: row.workspace_id,
    dashboard_status: row.dashboard_status,
    created_by: row.created_by,
    modified_by: row.created_by,
    deleted_by: null,
    meta: {},
    configuration: {},
    is_public: false,
    created_at: new Date(row.created_at).toISOString(),
    modified_at: new Date(row.modified_at).toISOString(),
  };
}

export default async function createDashboard(app: FastifyInstance): Promise<void> {
  app.post('/api/v1/external/dashboards', async (request) => {
    const body = parseBody(request.body, request.signed.workspaceId);
    const row = await app.store.createDashboard({
      workspaceId: body.workspace_id,
      title: body.title,
      description: body.description,
      createdBy: request.signed.apiKeyId,
      now: new Date(app.config.now()),
    });
    await chargeTenant(app, request.signed, app.config.credits.createDashboard);
    const data = dashboardData(row);
    return {
      message: 'Dashboard created successfully',
      success: true,
      data: request.fault?.mode === 'alt-envelope' ? { data } : data,
    };
  });
}
