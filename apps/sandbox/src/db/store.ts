import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { SandboxConfig, SandboxWorkspace } from '../config.js';
import { SANDBOX_SEED } from '../config.js';
import { migrations } from './migrations.js';
import { defineModels, type DashboardAttrs, type Models, type UsageAttrs } from './models.js';

export interface StoredKey {
  secretKey: string;
  workspaceId: string;
}

export interface UsagePage {
  rows: UsageAttrs[];
  total: number;
}

export interface UsageFilter {
  workspaceId: string;
  tenantId?: string;
  fromPeriod?: string;
  toPeriod?: string;
  limit: number;
  offset: number;
}

/** All persistent state of one sandbox: workspaces, keys, dashboards, usage buckets. */
export class SandboxStore {
  private constructor(
    readonly sequelize: Sequelize,
    private readonly models: Models,
  ) {}

  /** Opens (creating if needed) the database, runs pending migrations, then seeds. */
  static async open(config: SandboxConfig): Promise<SandboxStore> {
    const inMemory = config.databasePath === ':memory:';
    if (!inMemory) mkdirSync(dirname(config.databasePath), { recursive: true });
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: config.databasePath,
      logging: false,
      // One connection: ':memory:' databases are per connection, and SQLite writes serialise anyway.
      pool: { max: 1, min: 0, idle: 10_000 },
    });
    try {
      await sequelize.query('PRAGMA foreign_keys = ON');
      const umzug = new Umzug({
        migrations,
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize, tableName: 'sandbox_migrations' }),
        logger: undefined,
      });
      await umzug.up();
      const store = new SandboxStore(sequelize, defineModels(sequelize));
      await store.seed(config);
      return store;
    } catch (error) {
      await sequelize.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }

  private async seed(config: SandboxConfig): Promise<void> {
    const now = new Date(config.now());
    const workspaces: SandboxWorkspace[] = [...config.workspaces];
    if (config.seedDemo) {
      // A configured workspace with the seed's id extends it: its keys are added, its origins win.
      const override = workspaces.findIndex((ws) => ws.id === SANDBOX_SEED.workspaceId);
      const configured = override === -1 ? undefined : workspaces.splice(override, 1)[0];
      workspaces.unshift({
        id: SANDBOX_SEED.workspaceId,
        apiKeys: [
          { id: SANDBOX_SEED.apiKeyId, secret: SANDBOX_SEED.secretKey },
          ...(configured?.apiKeys ?? []),
        ],
        allowedOrigins: configured?.allowedOrigins?.length
          ? configured.allowedOrigins
          : [...SANDBOX_SEED.allowedOrigins],
        dashboards: configured?.dashboards ?? [],
      });
    }
    const { Workspace, ApiKey, Dashboard } = this.models;
    // One transaction: a file database then syncs once, not once per row (a config may hold many workspaces).
    await this.sequelize.transaction(async (transaction) => {
      for (const ws of workspaces) {
        const existing = await Workspace.findByPk(ws.id, { transaction });
        const origins = JSON.stringify(ws.allowedOrigins ?? []);
        // Config is the source of truth for configured workspaces: origins are refreshed at every start.
        if (existing === null)
          await Workspace.create({ id: ws.id, allowed_origins: origins, created_at: now }, { transaction });
        else await existing.update({ allowed_origins: origins }, { transaction });
        for (const key of ws.apiKeys) {
          const row = await ApiKey.findByPk(key.id, { transaction });
          if (row === null)
            await ApiKey.create(
              { id: key.id, workspace_id: ws.id, secret: key.secret, created_at: now },
              { transaction },
            );
          else await row.update({ workspace_id: ws.id, secret: key.secret }, { transaction });
        }
        for (const d of ws.dashboards ?? []) {
          if ((await Dashboard.findByPk(d.id, { transaction })) !== null) continue;
          await Dashboard.create(
            {
              dashboard_id: d.id,
              workspace_id: ws.id,
              title: d.title,
              description: d.description ?? null,
              dashboard_status: 'active',
              created_by: null,
              created_at: now,
              modified_at: now,
            },
            { transaction },
          );
        }
      }
    });
  }

  async findKey(apiKeyId: string): Promise<StoredKey | undefined> {
    const row = await this.models.ApiKey.findByPk(apiKeyId);
    if (row === null) return undefined;
    const key = row.get({ plain: true });
    return { secretKey: key.secret, workspaceId: key.workspace_id };
  }

  async allowedOrigins(workspaceId: string): Promise<string[]> {
    const row = await this.models.Workspace.findByPk(workspaceId);
    if (row === null) return [];
    const parsed: unknown = JSON.parse(row.get({ plain: true }).allowed_origins);
    return Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === 'string') : [];
  }

  async createDashboard(input: {
    workspaceId: string;
    title: string;
    description: string | null;
    createdBy: string;
    now: Date;
  }): Promise<DashboardAttrs> {
    const row = await this.models.Dashboard.create({
      dashboard_id: randomUUID(),
      workspace_id: input.workspaceId,
      title: input.title,
      description: input.description,
      dashboard_status: 'active',
      created_by: input.createdBy,
      created_at: input.now,
      modified_at: input.now,
    });
    return row.get({ plain: true });
  }

  async findDashboard(workspaceId: string, dashboardId: string): Promise<DashboardAttrs | undefined> {
    const row = await this.models.Dashboard.findOne({
      where: { workspace_id: workspaceId, dashboard_id: dashboardId },
    });
    return row === null ? undefined : row.get({ plain: true });
  }

  async listDashboards(workspaceId: string): Promise<DashboardAttrs[]> {
    const rows = await this.models.Dashboard.findAll({
      where: { workspace_id: workspaceId },
      order: [
        ['created_at', 'ASC'],
        ['dashboard_id', 'ASC'],
      ],
    });
    return rows.map((row) => row.get({ plain: true }));
  }

  /** Adds one request and `credits` to the tenant's bucket for `period` (YYYY-MM), atomically. */
  async recordUsage(input: {
    workspaceId: string;
    tenantId: string;
    period: string;
    credits: number;
    now: Date;
  }) {
    await this.sequelize.query(
      `INSERT INTO tenant_usage (workspace_id, tenant_id, period, credits_used, request_count, updated_at)
       VALUES (:workspaceId, :tenantId, :period, :credits, 1, :updatedAt)
       ON CONFLICT (workspace_id, tenant_id, period) DO UPDATE SET
         credits_used = credits_used + excluded.credits_used,
         request_count = request_count + 1,
         updated_at = excluded.updated_at`,
      {
        replacements: { ...input, updatedAt: input.now.toISOString() },
        type: QueryTypes.INSERT,
      },
    );
  }

  async listUsage(filter: UsageFilter): Promise<UsagePage> {
    const where = ['workspace_id = :workspaceId'];
    if (filter.tenantId !== undefined) where.push('tenant_id = :tenantId');
    if (filter.fromPeriod !== undefined) where.push('period >= :fromPeriod');
    if (filter.toPeriod !== undefined) where.push('period <= :toPeriod');
    const clause = where.join(' AND ');
    const replacements = { ...filter };
    const [count] = await this.sequelize.query<{ total: number }>(
      `SELECT COUNT(*) AS total FROM tenant_usage WHERE ${clause}`,
      { replacements, type: QueryTypes.SELECT },
    );
    const rows = await this.sequelize.query<UsageAttrs>(
      `SELECT workspace_id, tenant_id, period, credits_used, request_count, updated_at FROM tenant_usage
       WHERE ${clause} ORDER BY period ASC, tenant_id ASC LIMIT :limit OFFSET :offset`,
      { replacements, type: QueryTypes.SELECT },
    );
    return { rows, total: Number(count?.total ?? 0) };
  }
}
