/**
 * Credit usage from Papermap's workspace-wide tenant-usage endpoint, read in the tenant's own workspace. The per-tenant endpoint's path is not
 * documented, so a tenant's view is the workspace report filtered to its rows. The report is fetched whole
 * (every page, up to a cap), cached briefly per workspace and period range, and paginated here: a tenant never sees
 * another tenant's rows or counts, and repeated views do not each cost upstream credits.
 */
import type { SharedCache } from './shared-cache.js';
import type { Workspaces } from './workspaces.js';

export interface UsageRange {
  from_period?: string;
  to_period?: string;
}

export interface UsagePage {
  workspace_id: string;
  tenant_id?: string;
  usage: Record<string, unknown>[];
  page: number;
  per_page: number;
  total: number;
  total_pages: number;
}

const UPSTREAM_PAGE_SIZE = 100;
const MAX_UPSTREAM_PAGES = 20;
/** Usage reports kept in this process (when not in Redis): one entry per workspace and period range. */
export const MAX_LOCAL_USAGE_ENTRIES = 200;

function rowsOf(data: Record<string, unknown>): Record<string, unknown>[] {
  const usage = data.usage;
  if (!Array.isArray(usage)) return [];
  return usage.filter(
    (row): row is Record<string, unknown> => row !== null && typeof row === 'object' && !Array.isArray(row),
  );
}

function tenantOf(row: Record<string, unknown>): unknown {
  return row.tenant_id ?? row.tenantId;
}

export class UsageService {
  constructor(
    private readonly workspaces: Workspaces,
    /** Shared by instances when it is Redis, so a report is fetched once per TTL for all of them. */
    private readonly cache: SharedCache,
    private readonly ttlMs: number,
  ) {}

  private async workspaceRows(workspaceId: string, range: UsageRange): Promise<Record<string, unknown>[]> {
    const client = this.workspaces.client(workspaceId);
    const group = `usage:${workspaceId}:${range.from_period ?? ''}|${range.to_period ?? ''}`;
    if (this.ttlMs > 0) {
      const hit = await this.cache.get<Record<string, unknown>[]>(group, 'rows');
      if (hit !== undefined) return hit;
    }
    const rows: Record<string, unknown>[] = [];
    for (let page = 1; page <= MAX_UPSTREAM_PAGES; page++) {
      const data = await client.tenantUsage({ ...range, page, per_page: UPSTREAM_PAGE_SIZE });
      const pageRows = rowsOf(data);
      rows.push(...pageRows);
      const totalPages = typeof data.total_pages === 'number' ? data.total_pages : undefined;
      if (pageRows.length < UPSTREAM_PAGE_SIZE || (totalPages !== undefined && page >= totalPages)) break;
    }
    if (this.ttlMs > 0) await this.cache.set(group, 'rows', rows, this.ttlMs);
    return rows;
  }

  /** One page of a workspace's report (the default workspace's unless named), or of one tenant's rows in it. */
  async report(
    range: UsageRange,
    page: number,
    perPage: number,
    of: { workspaceId?: string; tenantId?: string } = {},
  ): Promise<UsagePage> {
    const { tenantId } = of;
    const workspaceId = of.workspaceId ?? this.workspaces.defaultId;
    const all = await this.workspaceRows(workspaceId, range);
    const rows = tenantId === undefined ? all : all.filter((row) => tenantOf(row) === tenantId);
    const start = (page - 1) * perPage;
    return {
      workspace_id: workspaceId,
      ...(tenantId !== undefined ? { tenant_id: tenantId } : {}),
      usage: rows.slice(start, start + perPage),
      page,
      per_page: perPage,
      total: rows.length,
      total_pages: Math.ceil(rows.length / perPage),
    };
  }
}
