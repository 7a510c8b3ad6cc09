/**
 * The configured Papermap workspaces: the key of each (an O(1) lookup on every token request, however many
 * are configured) and one signed API client per workspace, made on first use.
 */
import { apiError } from '../errors.js';
import type { PapermapSettings, PapermapWorkspace, TenantIsolation } from '../settings/papermap.js';
import type { PapermapClient } from './papermap-client.js';

export class Workspaces {
  private readonly clients = new Map<string, PapermapClient>();

  constructor(
    private readonly settings: Pick<PapermapSettings, 'workspaceId' | 'workspaces' | 'isolation'>,
    private readonly makeClient: (workspace: PapermapWorkspace) => PapermapClient,
  ) {}

  /** Where new tenants go unless provisioning names another workspace. */
  get defaultId(): string {
    return this.settings.workspaceId;
  }

  get isolation(): TenantIsolation {
    return this.settings.isolation;
  }

  has(workspaceId: string): boolean {
    return this.settings.workspaces.has(workspaceId);
  }

  /** The signed client for a workspace; 503 WORKSPACE_NOT_CONFIGURED when this instance holds no key for it. */
  client(workspaceId: string): PapermapClient {
    let client = this.clients.get(workspaceId);
    if (client === undefined) {
      const workspace = this.settings.workspaces.get(workspaceId);
      if (workspace === undefined) throw apiError('WORKSPACE_NOT_CONFIGURED');
      client = this.makeClient(workspace);
      this.clients.set(workspaceId, client);
    }
    return client;
  }
}
