import { DataTypes, type QueryInterface } from 'sequelize';
import type { RunnableMigration } from 'umzug';

type Migration = RunnableMigration<QueryInterface>;

// Migrations live in code (not a glob) so they run the same from src under tsx and from dist.
export const migrations: Migration[] = [
  {
    name: '0001-initial-schema',
    async up({ context: qi }) {
      await qi.createTable('workspaces', {
        id: { type: DataTypes.STRING(1024), primaryKey: true },
        allowed_origins: { type: DataTypes.TEXT, allowNull: false, defaultValue: '[]' },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.createTable('api_keys', {
        id: { type: DataTypes.STRING(1024), primaryKey: true },
        workspace_id: {
          type: DataTypes.STRING(1024),
          allowNull: false,
          references: { model: 'workspaces', key: 'id' },
          onDelete: 'CASCADE',
        },
        // Papermap must keep the secret recoverable to recompute HMACs; the sandbox does the same.
        secret: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.createTable('dashboards', {
        dashboard_id: { type: DataTypes.STRING(1024), primaryKey: true },
        workspace_id: {
          type: DataTypes.STRING(1024),
          allowNull: false,
          references: { model: 'workspaces', key: 'id' },
          onDelete: 'CASCADE',
        },
        title: { type: DataTypes.TEXT, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        dashboard_status: { type: DataTypes.STRING(32), allowNull: false },
        created_by: { type: DataTypes.STRING(1024), allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
        modified_at: { type: DataTypes.DATE, allowNull: false },
      });
      await qi.addIndex('dashboards', ['workspace_id', 'created_at']);
      await qi.createTable('tenant_usage', {
        workspace_id: { type: DataTypes.STRING(1024), allowNull: false, primaryKey: true },
        tenant_id: { type: DataTypes.STRING(1024), allowNull: false, primaryKey: true },
        period: { type: DataTypes.STRING(7), allowNull: false, primaryKey: true },
        credits_used: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        request_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      });
    },
    async down({ context: qi }) {
      await qi.dropTable('tenant_usage');
      await qi.dropTable('dashboards');
      await qi.dropTable('api_keys');
      await qi.dropTable('workspaces');
    },
  },
];
