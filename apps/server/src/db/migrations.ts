/**
 * Versioned schema migrations, run by umzug on start and by `cli migrate`. Append new steps; never edit one
 * that has shipped. Written with the QueryInterface so they run unchanged on SQLite and PostgreSQL.
 */
import { DataTypes, type QueryInterface, type Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type MigrationParams } from 'umzug';

type Step = {
  name: string;
  up: (params: MigrationParams<QueryInterface>) => Promise<void>;
  down: (params: MigrationParams<QueryInterface>) => Promise<void>;
};

const created = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export const migrations: Step[] = [
  {
    name: '0001-initial',
    async up({ context: q }) {
      await q.createTable('tenants', {
        id: { type: DataTypes.STRING(128), primaryKey: true },
        disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ...created,
      });
      await q.createTable('tenant_dashboards', {
        dashboard_id: { type: DataTypes.STRING(255), primaryKey: true },
        tenant_id: {
          type: DataTypes.STRING(128),
          allowNull: false,
          references: { model: 'tenants', key: 'id' },
          onDelete: 'CASCADE',
        },
        workspace_id: { type: DataTypes.STRING(255), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        description: { type: DataTypes.STRING(2000), allowNull: true },
        is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ...created,
      });
      await q.addIndex('tenant_dashboards', ['tenant_id']);
      await q.createTable('idempotency_records', {
        key: { type: DataTypes.STRING(255), primaryKey: true },
        request_hash: { type: DataTypes.STRING(64), allowNull: false },
        state: { type: DataTypes.STRING(16), allowNull: false },
        response_status: { type: DataTypes.INTEGER, allowNull: true },
        response_body: { type: DataTypes.TEXT, allowNull: true },
        ...created,
      });
      await q.createTable('token_audit', {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        tenant_id: { type: DataTypes.STRING(128), allowNull: false },
        dashboard_id: { type: DataTypes.STRING(255), allowNull: false },
        subject: { type: DataTypes.STRING(255), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        user_agent: { type: DataTypes.STRING(512), allowNull: true },
        issued_at: { type: DataTypes.DATE, allowNull: false },
        expires_at: { type: DataTypes.DATE, allowNull: false },
        token_sha256: { type: DataTypes.STRING(64), allowNull: false },
      });
      await q.addIndex('token_audit', ['tenant_id', 'issued_at']);
    },
    async down({ context: q }) {
      await q.dropTable('token_audit');
      await q.dropTable('idempotency_records');
      await q.dropTable('tenant_dashboards');
      await q.dropTable('tenants');
    },
  },
  {
    // At most one default dashboard per tenant, enforced by the database too (a partial unique index,
    // supported alike by SQLite and PostgreSQL).
    name: '0002-one-default-dashboard',
    async up({ context: q }) {
      await q.addIndex('tenant_dashboards', ['tenant_id'], {
        name: 'tenant_dashboards_one_default',
        unique: true,
        where: { is_default: true },
      });
    },
    async down({ context: q }) {
      await q.removeIndex('tenant_dashboards', 'tenant_dashboards_one_default');
    },
  },
  {
    // Reading the audit table (newest first, by time range or subject) and pruning it by age. Each index is
    // also written by every token request, so only these two: a tenant's rows already have one
    // (tenant_id, issued_at), and a dashboard filter reads through the time index.
    name: '0003-audit-read-indexes',
    async up({ context: q }) {
      await q.addIndex('token_audit', ['issued_at', 'id'], { name: 'token_audit_issued_at' });
      await q.addIndex('token_audit', ['subject', 'issued_at'], { name: 'token_audit_subject' });
    },
    async down({ context: q }) {
      await q.removeIndex('token_audit', 'token_audit_subject');
      await q.removeIndex('token_audit', 'token_audit_issued_at');
    },
  },
  {
    // Every tenant maps to one workspace. Existing tenants get the workspace their dashboards carry (the
    // default dashboard's first); one without dashboards stays NULL until the server starts, which gives it
    // the configured default workspace (services/workspace-check.ts): a migration cannot read the settings.
    name: '0004-tenant-workspace',
    async up({ context: q }) {
      // Raw SQL: Sequelize's addColumn names PostgreSQL's `public` schema, not the one `search_path` selects.
      await q.sequelize.query('ALTER TABLE tenants ADD COLUMN workspace_id VARCHAR(255)');
      await q.sequelize.query(
        `UPDATE tenants SET workspace_id = (
           SELECT d.workspace_id FROM tenant_dashboards d WHERE d.tenant_id = tenants.id
           ORDER BY d.is_default DESC, d.created_at ASC, d.dashboard_id ASC LIMIT 1)`,
      );
      await q.addIndex('tenants', ['workspace_id'], { name: 'tenants_workspace_id' });
    },
    async down({ context: q }) {
      await q.removeIndex('tenants', 'tenants_workspace_id');
      await q.sequelize.query('ALTER TABLE tenants DROP COLUMN workspace_id');
    },
  },
];

export function migrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug({
    migrations,
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: undefined,
  });
}

/**
 * Runs the pending migrations. On PostgreSQL several instances may start at once (a rolling deploy): a
 * transaction-scoped advisory lock, one per schema, lets one of them migrate while the others wait and
 * then find nothing left to do. Answers the names applied. The lock's transaction only holds the lock; the steps run on other pooled
 * connections (so the pool needs at least two).
 */
export async function migrate(sequelize: Sequelize): Promise<string[]> {
  const run = async () => (await migrator(sequelize).up()).map((step) => step.name);
  if (sequelize.getDialect() !== 'postgres') return run();
  return sequelize.transaction(async (transaction) => {
    await sequelize.query(
      `SELECT pg_advisory_xact_lock(hashtext('tenantdash-migrations:' || current_schema()))`,
      {
        transaction,
      },
    );
    return run();
  });
}
