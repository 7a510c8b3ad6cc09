/** The suite runs on the engine its project names, and the migrations go down and up again there. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueryTypes, type Sequelize } from 'sequelize';
import { connect } from '../src/db/connect.js';
import { migrate, migrator } from '../src/db/migrations.js';
import { ENGINE, testDatabase, type TestDatabase } from './helper.js';

let dir: string;
let database: TestDatabase;
let sequelize: Sequelize;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-engine-'));
  database = await testDatabase(dir);
  sequelize = await connect(database.url);
});
afterAll(async () => {
  await sequelize?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('connects with the dialect of the project', () => {
  expect(sequelize.getDialect()).toBe(ENGINE);
});

it('applies every migration once, reverts them all, and applies them again', async () => {
  const names = [
    '0001-initial',
    '0002-one-default-dashboard',
    '0003-audit-read-indexes',
    '0004-tenant-workspace',
  ];
  expect(await migrate(sequelize)).toEqual(names);
  expect(await migrate(sequelize)).toEqual([]);
  // Listed by hand: Sequelize's showAllTables reads only PostgreSQL's `public` schema.
  const tables = async () => {
    const sql =
      ENGINE === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()';
    const rows = await sequelize.query<{ name: string }>(sql, { type: QueryTypes.SELECT });
    return rows.map((row) => row.name).filter((name) => name !== 'schema_migrations');
  };
  expect((await tables()).sort()).toEqual([
    'idempotency_records',
    'tenant_dashboards',
    'tenants',
    'token_audit',
  ]);
  await migrator(sequelize).down({ to: 0 });
  expect(await tables()).toEqual([]);
  expect(await migrate(sequelize)).toEqual(names);
});
