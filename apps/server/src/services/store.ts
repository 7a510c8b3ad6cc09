/** Tenants, their dashboard mappings and the audit table: the queries the routes and the CLI need. */
import { Op, QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { apiError } from '../errors.js';
import { AuditLog } from './audit-log.js';
import { AuditWriter } from './audit-writer.js';
import { LocalCache, type SharedCache } from './shared-cache.js';
import type { Models, TenantDashboard } from '../db/models.js';

export interface DashboardView {
  dashboard_id: string;
  tenant_id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  is_default: boolean;
  created_at: string;
}

export function dashboardView(row: TenantDashboard): DashboardView {
  return {
    dashboard_id: row.dashboard_id,
    tenant_id: row.tenant_id,
    workspace_id: row.workspace_id,
    name: row.name,
    description: row.description,
    is_default: Boolean(row.is_default),
    created_at: new Date(row.created_at).toISOString(),
  };
}

export interface MintTarget {
  disabled: boolean;
  /** The tenant's dashboard (the named one, or its default), or null when it has no such dashboard. */
  dashboard: { dashboard_id: string; tenant_id: string; workspace_id: string } | null;
}

export interface StoreOptions {
  /** How long a token-endpoint lookup may be reused (0: never cached). */
  mintCacheTtlMs?: number;
  /** Where lookups are cached; in this process by default, in Redis when instances share one. */
  cache?: SharedCache;
}

/** The cache group of one tenant's lookups: a write to the tenant drops the group. */
const mintGroup = (tenantId: string) => `mint:${tenantId}`;

export class Store {
  /** Writes the audit row of every token issued. */
  readonly audit: AuditWriter;
  /** Reads them back (admin API, CLI). */
  readonly auditLog: AuditLog;
  private readonly mintCacheTtlMs: number;
  private readonly cache: SharedCache;

  constructor(
    readonly sequelize: Sequelize,
    readonly models: Models,
    options: StoreOptions = {},
  ) {
    this.audit = new AuditWriter(models);
    this.auditLog = new AuditLog(sequelize, models);
    this.mintCacheTtlMs = options.mintCacheTtlMs ?? 0;
    this.cache = options.cache ?? new LocalCache();
  }

  /**
   * Forgets cached lookups of a tenant; called after every write to it (after a surrounding transaction
   * commits). With a shared cache every instance sees the write at once; a lookup that read the database
   * just before the write commits may still be cached for at most the TTL.
   */
  async invalidate(tenantId: string): Promise<void> {
    await this.cache.dropGroup(mintGroup(tenantId));
  }

  async mintTarget(tenantId: string, dashboardId?: string): Promise<MintTarget | null> {
    if (this.mintCacheTtlMs <= 0) return this.loadMintTarget(tenantId, dashboardId);
    const group = mintGroup(tenantId);
    const field = dashboardId ?? '';
    const hit = await this.cache.get<MintTarget | null>(group, field);
    if (hit !== undefined) return hit;
    const value = await this.loadMintTarget(tenantId, dashboardId);
    // Not awaited: the answer does not wait for the cache.
    void this.cache.set(group, field, value, this.mintCacheTtlMs);
    return value;
  }

  /**
   * Everything minting needs in one round trip (the token endpoint's hot path). A dashboard belonging to
   * another tenant does not match the join, so it comes back exactly like a missing one.
   */
  private async loadMintTarget(tenantId: string, dashboardId?: string): Promise<MintTarget | null> {
    const match = dashboardId === undefined ? 'd.is_default = :yes' : 'd.dashboard_id = :dashboardId';
    const rows = await this.sequelize.query<{
      disabled: unknown;
      dashboard_id: string | null;
      tenant_id: string | null;
      workspace_id: string | null;
    }>(
      `SELECT t.disabled AS disabled, d.dashboard_id AS dashboard_id, d.tenant_id AS tenant_id, d.workspace_id AS workspace_id
       FROM tenants t LEFT JOIN tenant_dashboards d ON d.tenant_id = t.id AND ${match}
       WHERE t.id = :tenantId LIMIT 1`,
      { type: QueryTypes.SELECT, replacements: { tenantId, dashboardId: dashboardId ?? null, yes: true } },
    );
    const row = rows[0];
    if (!row) return null;
    const dashboard =
      row.dashboard_id !== null && row.tenant_id !== null && row.workspace_id !== null
        ? { dashboard_id: row.dashboard_id, tenant_id: row.tenant_id, workspace_id: row.workspace_id }
        : null;
    return { disabled: row.disabled === true || row.disabled === 1, dashboard };
  }

  /** The tail of this process's queue of SQLite write transactions. */
  private sqliteWrites: Promise<unknown> = Promise.resolve();

  /**
   * A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so concurrent transactions
   * queue on the busy timeout instead of failing when a read lock cannot be upgraded; and this process's
   * own write transactions queue here first, one at a time: node-sqlite3 waits out a busy lock on a libuv
   * thread, so four waiting writers (the default pool) starved the lock holder itself until their busy
   * timeouts ran out (six concurrent provisions took about 10 s). The busy timeout is left for other
   * processes on the same file.
   */
  transaction<T>(run: (transaction: Transaction) => Promise<T>): Promise<T> {
    if (this.sequelize.getDialect() !== 'sqlite') return this.sequelize.transaction(run);
    const result = this.sqliteWrites.then(() =>
      this.sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, run),
    );
    this.sqliteWrites = result.catch(() => undefined);
    return result;
  }

  async tenant(id: string) {
    return this.models.Tenant.findByPk(id);
  }

  async listTenants() {
    const tenants = await this.models.Tenant.findAll({ order: [['id', 'ASC']] });
    const counts = (await this.models.TenantDashboard.count({ group: ['tenant_id'] })) as unknown as {
      tenant_id: string;
      count: number;
    }[];
    const byTenant = new Map(counts.map((row) => [row.tenant_id, Number(row.count)]));
    return tenants.map((tenant) => ({
      tenant_id: tenant.id,
      disabled: Boolean(tenant.disabled),
      workspace_id: (tenant.workspace_id as string | null) ?? null,
      dashboards: byTenant.get(tenant.id) ?? 0,
      created_at: new Date(tenant.created_at).toISOString(),
    }));
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const [count] = await this.models.Tenant.update({ disabled }, { where: { id } });
    await this.invalidate(id);
    return count > 0;
  }

  async dashboards(tenantId: string) {
    return this.models.TenantDashboard.findAll({
      where: { tenant_id: tenantId },
      order: [
        ['created_at', 'ASC'],
        ['dashboard_id', 'ASC'],
      ],
    });
  }

  async dashboard(dashboardId: string) {
    return this.models.TenantDashboard.findByPk(dashboardId);
  }

  async defaultDashboard(tenantId: string) {
    return this.models.TenantDashboard.findOne({ where: { tenant_id: tenantId, is_default: true } });
  }

  /** Stores a new mapping; the tenant is created on first use and its first dashboard becomes the default. */
  async addDashboard(
    input: {
      tenantId: string;
      dashboardId: string;
      workspaceId: string;
      name: string;
      description: string | null;
      makeDefault: boolean;
      /** TENANT_ISOLATION=workspace: refuse when another tenant already maps to the workspace. */
      exclusiveWorkspace?: boolean;
    },
    transaction?: Transaction,
  ): Promise<TenantDashboard> {
    const run = async (t: Transaction) => {
      if (input.exclusiveWorkspace) await this.lockWorkspace(input.workspaceId, t);
      await this.lockTenant(input.tenantId, t, input.workspaceId);
      await this.claimWorkspace(input.tenantId, input.workspaceId, input.exclusiveWorkspace === true, t);
      const hasDefault =
        (await this.models.TenantDashboard.count({
          where: { tenant_id: input.tenantId, is_default: true },
          transaction: t,
        })) > 0;
      const isDefault = input.makeDefault || !hasDefault;
      if (isDefault && hasDefault) {
        await this.models.TenantDashboard.update(
          { is_default: false },
          { where: { tenant_id: input.tenantId }, transaction: t },
        );
      }
      return this.models.TenantDashboard.create(
        {
          dashboard_id: input.dashboardId,
          tenant_id: input.tenantId,
          workspace_id: input.workspaceId,
          name: input.name,
          description: input.description,
          is_default: isDefault,
        },
        { transaction: t },
      );
    };
    try {
      return await (transaction ? run(transaction) : this.transaction(run));
    } finally {
      await this.invalidate(input.tenantId);
    }
  }

  /**
   * Serialises writes to one tenant's dashboards. SQLite's `BEGIN IMMEDIATE` already serialises every write
   * transaction; PostgreSQL (READ COMMITTED) would let two of them both see "no default yet" and collide on
   * the one-default index, so there the tenant row is locked (`FOR UPDATE`) first. The tenant is created
   * when asked without failing on a concurrent creation (`ON CONFLICT DO NOTHING` / `INSERT OR IGNORE`).
   */
  private async lockTenant(
    tenantId: string,
    transaction: Transaction,
    createIn: string | undefined,
  ): Promise<void> {
    if (createIn !== undefined) {
      await this.models.Tenant.bulkCreate([{ id: tenantId, disabled: false, workspace_id: createIn }], {
        ignoreDuplicates: true,
        transaction,
      });
    }
    if (this.sequelize.getDialect() !== 'sqlite') {
      await this.models.Tenant.findByPk(tenantId, { transaction, lock: transaction.LOCK.UPDATE });
    }
  }

  /**
   * Serialises the claims on one workspace in hard-isolation mode. SQLite's `BEGIN IMMEDIATE` already does;
   * on PostgreSQL two new tenants would each see the workspace empty, so a transaction-scoped advisory lock
   * per workspace orders them.
   */
  private async lockWorkspace(workspaceId: string, transaction: Transaction): Promise<void> {
    if (this.sequelize.getDialect() === 'sqlite') return;
    await this.sequelize.query(
      `SELECT pg_advisory_xact_lock(hashtext('tenantdash-workspace:' || :workspaceId))`,
      {
        replacements: { workspaceId },
        transaction,
      },
    );
  }

  /**
   * The tenant (locked, in this transaction) takes the workspace, or already has it: a tenant never moves, so
   * its dashboards all live in one workspace. With `exclusive`, no other tenant may map to that workspace.
   */
  private async claimWorkspace(
    tenantId: string,
    workspaceId: string,
    exclusive: boolean,
    transaction: Transaction,
  ): Promise<void> {
    const current = await this.tenantWorkspace(tenantId, transaction);
    if (current !== null && current !== workspaceId) throw apiError('TENANT_WORKSPACE_CONFLICT');
    if (exclusive && (await this.workspaceHasOtherTenant(workspaceId, tenantId, transaction)))
      throw apiError('WORKSPACE_TAKEN');
    if (current === null)
      await this.models.Tenant.update(
        { workspace_id: workspaceId },
        { where: { id: tenantId }, transaction },
      );
  }

  /** The tenant's workspace; null for an unknown tenant (or one not yet given the default at start). */
  async tenantWorkspace(tenantId: string, transaction?: Transaction): Promise<string | null> {
    const row = await this.models.Tenant.findByPk(tenantId, {
      attributes: ['workspace_id'],
      ...(transaction ? { transaction } : {}),
    });
    return row?.workspace_id ?? null;
  }

  async workspaceHasOtherTenant(workspaceId: string, tenantId: string, transaction?: Transaction) {
    const other = await this.models.Tenant.findOne({
      attributes: ['id'],
      where: { workspace_id: workspaceId, id: { [Op.ne]: tenantId } },
      ...(transaction ? { transaction } : {}),
    });
    return other !== null;
  }

  /** Tenants per workspace (tenants without one under `null`): what the start-up check reads. */
  async tenantsPerWorkspace(): Promise<Map<string | null, number>> {
    const rows = (await this.models.Tenant.count({ group: ['workspace_id'] })) as unknown as {
      workspace_id: string | null;
      count: number;
    }[];
    return new Map(rows.map((row) => [row.workspace_id, Number(row.count)]));
  }

  /** Gives the tenants without a workspace (those the migration found no dashboard for) the default one. */
  async adoptUnmappedTenants(defaultWorkspaceId: string): Promise<number> {
    const [count] = await this.models.Tenant.update(
      { workspace_id: defaultWorkspaceId },
      { where: { workspace_id: null } },
    );
    return count;
  }

  /** Removes a mapping; when it was the default, the tenant's oldest remaining dashboard takes over. */
  async removeDashboard(row: TenantDashboard): Promise<void> {
    await this.transaction(async (transaction) => {
      await this.lockTenant(row.tenant_id, transaction, undefined);
      await row.destroy({ transaction });
      if (!row.is_default) return;
      const next = await this.models.TenantDashboard.findOne({
        where: { tenant_id: row.tenant_id },
        order: [
          ['created_at', 'ASC'],
          ['dashboard_id', 'ASC'],
        ],
        transaction,
      });
      if (next) await next.update({ is_default: true }, { transaction });
    });
    await this.invalidate(row.tenant_id);
  }
}
