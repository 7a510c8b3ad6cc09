/**
 * The start-up check of the tenant → workspace mapping against the configured workspaces. The server refuses to
 * start when a tenant maps to a workspace it holds no key for, or, with `TENANT_ISOLATION=workspace`, when a
 * workspace already holds several tenants: both would otherwise surface only later, as failed requests or as
 * an isolation the operator believes in but does not have.
 */
import { SettingError } from '../settings/read.js';
import type { Store } from './store.js';
import type { Workspaces } from './workspaces.js';

export interface WorkspaceCheck {
  /** Tenants the migration left without a workspace (no dashboard) that got the default one now. */
  adopted: number;
}

export async function checkTenantWorkspaces(store: Store, workspaces: Workspaces): Promise<WorkspaceCheck> {
  // In hard-isolation mode they stay unmapped: each claims its own workspace when first provisioned.
  const adopted =
    workspaces.isolation === 'shared' ? await store.adoptUnmappedTenants(workspaces.defaultId) : 0;
  const census = await store.tenantsPerWorkspace();
  for (const [workspaceId, tenants] of census) {
    if (workspaceId === null) continue;
    if (!workspaces.has(workspaceId)) {
      throw new SettingError(
        'PAPERMAP_WORKSPACES_FILE',
        `lacks workspace ${workspaceId}, which ${tenants} tenant(s) in the database map to`,
      );
    }
    if (workspaces.isolation === 'workspace' && tenants > 1) {
      throw new SettingError(
        'TENANT_ISOLATION',
        `is workspace, but workspace ${workspaceId} already holds ${tenants} tenants in the database`,
      );
    }
  }
  return { adopted };
}
