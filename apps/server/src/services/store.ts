/** Tenants and their dashboard mappings: the only queries the routes and the CLI need. */
import { Transaction, type Sequelize } from 'sequelize';
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

export class Store {
  constructor(
    readonly sequelize: Sequelize,
    readonly models: Models,
  ) {}

  /**
   * A write transaction. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so concurrent transactions
   * queue on the busy timeout instead of failing when a read lock cannot be upgraded.
   */
  transaction<T>(run: (transaction: Transaction) => Promise<T>): Promise<T> {
    const type = this.sequelize.getDialect() === 'sqlite' ? Transaction.TYPES.IMMEDIATE : undefined;
    return this.sequelize.transaction(type ? { type } : {}, run);
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
      dashboards: byTenant.get(tenant.id) ?? 0,
      created_at: new Date(tenant.created_at).toISOString(),
    }));
  }

  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const [count] = await this.models.Tenant.update({ disabled }, { where: { id } });
    return count > 0;
  }

  async dashboards(tenantId: string) {
    return this.models.TenantDashboard.findAll({
      where: { tenant_id: tenantId },
      order: [['created_at', 'ASC'], ['dashboard_id', 'ASC']],
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
    input: { tenantId: string; dashboardId: string; workspaceId: string; name: string; description: string | null; makeDefault: boolean },
    transaction?: Transaction,
  ): Promise<TenantDashboard> {
    const run = async (t: Transaction) => {
      await this.models.Tenant.findOrCreate({ where: { id: input.tenantId }, defaults: { id: input.tenantId, disabled: false }, transaction: t });
      const hasDefault = (await this.models.TenantDashboard.count({ where: { tenant_id: input.tenantId, is_default: true }, transaction: t })) > 0;
      const isDefault = input.makeDefault || !hasDefault;
      if (isDefault && hasDefault) {
        await this.models.TenantDashboard.update({ is_default: false }, { where: { tenant_id: input.tenantId }, transaction: t });
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
    return transaction ? run(transaction) : this.transaction(run);
  }

  /** Removes a mapping; when it was the default, the tenant's oldest remaining dashboard takes over. */
  async removeDashboard(row: TenantDashboard): Promise<void> {
    await this.transaction(async (transaction) => {
      await row.destroy({ transaction });
      if (!row.is_default) return;
      const next = await this.models.TenantDashboard.findOne({
        where: { tenant_id: row.tenant_id },
        order: [['created_at', 'ASC'], ['dashboard_id', 'ASC']],
        transaction,
      });
      if (next) await next.update({ is_default: true }, { transaction });
    });
  }
}
