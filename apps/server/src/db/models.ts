/** Sequelize models over the tables the migrations create (the migrations own the schema; no `sync`). */
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export class Tenant extends Model<InferAttributes<Tenant>, InferCreationAttributes<Tenant>> {
  declare id: string;
  declare disabled: boolean;
  /** The Papermap workspace of all its dashboards; null only between the migration and the next start. */
  declare workspace_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class TenantDashboard extends Model<
  InferAttributes<TenantDashboard>,
  InferCreationAttributes<TenantDashboard>
> {
  declare dashboard_id: string;
  declare tenant_id: string;
  declare workspace_id: string;
  declare name: string;
  declare description: string | null;
  declare is_default: boolean;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export type IdempotencyState = 'pending' | 'done';

export class IdempotencyRecord extends Model<
  InferAttributes<IdempotencyRecord>,
  InferCreationAttributes<IdempotencyRecord>
> {
  declare key: string;
  declare request_hash: string;
  declare state: IdempotencyState;
  declare response_status: number | null;
  declare response_body: string | null;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
}

export class TokenAudit extends Model<InferAttributes<TokenAudit>, InferCreationAttributes<TokenAudit>> {
  declare id: number | null;
  declare tenant_id: string;
  declare dashboard_id: string;
  declare subject: string;
  declare ip: string | null;
  declare user_agent: string | null;
  declare issued_at: Date;
  declare expires_at: Date;
  declare token_sha256: string;
}

export interface Models {
  Tenant: typeof Tenant;
  TenantDashboard: typeof TenantDashboard;
  IdempotencyRecord: typeof IdempotencyRecord;
  TokenAudit: typeof TokenAudit;
}

const timestamps = {
  timestamps: true,
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  underscored: true,
} as const;

export function defineModels(sequelize: Sequelize): Models {
  // Models are class-bound in Sequelize: each Sequelize instance needs its own subclasses.
  class T extends Tenant {}
  class D extends TenantDashboard {}
  class I extends IdempotencyRecord {}
  class A extends TokenAudit {}
  T.init(
    {
      id: { type: DataTypes.STRING(128), primaryKey: true },
      disabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      workspace_id: { type: DataTypes.STRING(255), allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'tenants', modelName: 'Tenant', ...timestamps },
  );
  D.init(
    {
      dashboard_id: { type: DataTypes.STRING(255), primaryKey: true },
      tenant_id: { type: DataTypes.STRING(128), allowNull: false },
      workspace_id: { type: DataTypes.STRING(255), allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      description: { type: DataTypes.STRING(2000), allowNull: true },
      is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'tenant_dashboards', modelName: 'TenantDashboard', ...timestamps },
  );
  I.init(
    {
      key: { type: DataTypes.STRING(255), primaryKey: true },
      request_hash: { type: DataTypes.STRING(64), allowNull: false },
      state: { type: DataTypes.STRING(16), allowNull: false },
      response_status: { type: DataTypes.INTEGER, allowNull: true },
      response_body: { type: DataTypes.TEXT, allowNull: true },
      created_at: DataTypes.DATE,
      updated_at: DataTypes.DATE,
    },
    { sequelize, tableName: 'idempotency_records', modelName: 'IdempotencyRecord', ...timestamps },
  );
  A.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tenant_id: { type: DataTypes.STRING(128), allowNull: false },
      dashboard_id: { type: DataTypes.STRING(255), allowNull: false },
      subject: { type: DataTypes.STRING(255), allowNull: false },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      user_agent: { type: DataTypes.STRING(512), allowNull: true },
      issued_at: { type: DataTypes.DATE, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: false },
      token_sha256: { type: DataTypes.STRING(64), allowNull: false },
    },
    { sequelize, tableName: 'token_audit', modelName: 'TokenAudit', timestamps: false },
  );
  return { Tenant: T, TenantDashboard: D, IdempotencyRecord: I, TokenAudit: A };
}
