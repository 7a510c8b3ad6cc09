/**
 * The configured Papermap workspaces, exposed as `fastify.workspaces` (a signed client per workspace; the
 * default one is `fastify.papermap`'s). Before the server serves anything, the stored tenant → workspace
 * mapping is checked against them (services/workspace-check.ts).
 */
import fp from 'fastify-plugin';
import type { ServerConfig } from '../config.js';
import { checkTenantWorkspaces } from '../services/workspace-check.js';
import { Workspaces } from '../services/workspaces.js';

declare module 'fastify' {
  interface FastifyInstance {
    workspaces: Workspaces;
  }
}

export default fp<{ config: ServerConfig }>(
  async (fastify, { config }) => {
    const defaultClient = fastify.papermap;
    const workspaces = new Workspaces(config.papermap, (workspace) =>
      workspace.workspaceId === defaultClient.workspaceId
        ? defaultClient
        : defaultClient.forWorkspace(workspace),
    );
    const { adopted } = await checkTenantWorkspaces(fastify.store, workspaces);
    if (adopted > 0)
      fastify.log.info(
        { tenants: adopted, workspace_id: workspaces.defaultId },
        'tenants mapped to the default workspace',
      );
    fastify.decorate('workspaces', workspaces);
  },
  { name: 'tenantdash-workspaces', fastify: '5.x', dependencies: ['tenantdash-db', 'tenantdash-papermap'] },
);
