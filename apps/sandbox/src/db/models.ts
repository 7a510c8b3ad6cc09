import { DataTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';

export interface WorkspaceAttrs {
  id: string;
  allowed_origins: string;
  created_at: Date;
}

export interface ApiKeyAttrs {
  id: string;
  workspace_id: string;
  secret: string;
  created_at: Date;
}

export interface DashboardAttrs {
  dashboard_id: string;
  workspace_id: string;
  title: string;
  description: string | null;
  dashboard_status: string;
  created_by: string | null;
  created_at: Date;
  modified_at: Date;
}

export interface UsageAttrs {
  workspace_id: string;
  tenant_id: string;
  period: string;
  credits_used: number;
  request_count: number;
  updated_at: Date;
}

export interface Models {
  Workspace: ModelStatic<Model<WorkspaceAttrs, WorkspaceAttrs>>;
  ApiKey: ModelStatic<Model<ApiKeyAttrs, ApiKeyAttrs>>;
  Dashboard: ModelStatic<Model<DashboardAttrs, DashboardAttrs>>;
  Usage: ModelStatic<Model<UsageAttrs, UsageAttrs>>;
}

const ID = DataTypes.STRING(1024);
const common = { timestamps: false, freezeTableName: true } as const;

/**
 * Models per Sequelize instance (not global classes), so several sandboxes can live in one process.
 * The schema itself is owned by the migrations.
 */
export function defineModels(sequelize: Sequelize): Models {
  return {
    Workspace: sequelize.define<Model<WorkspaceAttrs, WorkspaceAttrs>>(
      'workspaces',
      {
        id: { type: ID, primaryKey: true },
        allowed_origins: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      },
      common,
    ),
    ApiKey: sequelize.define<Model<ApiKeyAttrs, ApiKeyAttrs>>(
      'api_keys',
      {
        id: { type: ID, primaryKey: true },
        workspace_id: { type: ID, allowNull: false },
        secret: { type: DataTypes.TEXT, allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false },
      },
      common,
    ),
    Dashboard: sequelize.define<Model<DashboardAttrs, DashboardAttrs>>(
      'dashboards',
      {
        dashboard_id: { type: ID, primaryKey: true },
        workspace_id: { type: ID, allowNull: false },
        title: { type: DataTypes.TEXT, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        dashboard_status: { type: DataTypes.STRING(32), allowNull: false },
        created_by: { type: ID, allowNull: true },
        created_at: { type: DataTypes.DATE, allowNull: false },
        modified_at: { type: DataTypes.DATE, allowNull: false },
      },
      common,
    ),
    Usage: sequelize.define<Model<UsageAttrs, UsageAttrs>>(
      'tenant_usage',
      {
        workspace_id: { type: ID, primaryKey: true },
        tenant_id: { type: ID, primaryKey: true },
        period: { type: DataTypes.STRING(7), primaryKey: true },
        credits_used: { type: DataTypes.INTEGER, allowNull: false },
        request_count: { type: DataTypes.INTEGER, allowNull: false },
        updated_at: { type: DataTypes.DATE, allowNull: false },
      },
      common,
    ),
  };
}
