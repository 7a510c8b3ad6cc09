import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CoalescingSocket } from '../src/shims/coalescing-socket.js';
import { connect } from '../src/db/connect.js';
import { migrate } from '../src/db/migrations.js';
import { defineModels, type Models } from '../src/db/models.js';
import { AuditWriter, sqlDate } from '../src/services/audit-writer.js';
import { ENGINE, testDatabase, type TestDatabase } from './helper.js';

let dir: string;
let sequelize: Sequelize;
let models: Models;
let database: TestDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-audit-'));
  database = await testDatabase(dir, 'audit.sqlite');
  sequelize = await connect(database.url);
  await migrate(sequelize);
  models = defineModels(sequelize);
});
afterAll(async () => {
  await sequelize?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const row = (subject: string, issuedMs: number) => ({
  id: null,
  tenant_id: 'tenant-a',
  dashboard_id: 'dash-a',
  subject,
  ip: subject.endsWith('-no-ip') ? null : '203.0.113.7',
  user_agent: 'it\'s "quoted"',
  issued_at: new Date(issuedMs),
  expires_at: new Date(issuedMs + 3_600_000),
  token_sha256: 'f'.repeat(64),
});

const stored = (subject: string) =>
  sequelize.query<Record<string, unknown>>(
    'SELECT tenant_id, dashboard_id, subject, ip, user_agent, issued_at, expires_at, token_sha256 FROM token_audit WHERE subject = :subject',
    { type: QueryTypes.SELECT, replacements: { subject } },
  );

it('formats dates as Sequelize stores them', () => {
  expect(sqlDate(new Date(Date.UTC(2026, 10, 22, 1, 5, 8, 7)))).toBe('2026-11-22 01:05:08.007 +00:00');
});

it.each([
  ['driver connection (sqlite3, node-postgres)', false],
  ['Sequelize query (other dialects)', true],
])('writes through the %s exactly the row the model would', async (name, generic) => {
  const issuedMs = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  await models.TokenAudit.create({ ...row(`model-${name}`, issuedMs), id: undefined as unknown as null });
  await new AuditWriter(models, { generic }).record(row(`writer-${name}`, issuedMs));
  const [viaModel] = await stored(`model-${name}`);
  const [viaWriter] = await stored(`writer-${name}`);
  expect({ ...viaWriter, subject: 'x' }).toEqual({ ...viaModel, subject: 'x' });
  // SQLite stores Sequelize's date text; PostgreSQL a timestamptz, read back as a Date.
  const issuedAt = ENGINE === 'sqlite' ? '2026-01-02 03:04:05.678 +00:00' : new Date(issuedMs);
  expect(viaWriter).toMatchObject({ issued_at: issuedAt, ip: '203.0.113.7' });
});

it.each([false, true])(
  'commits every row of a burst larger than one INSERT (generic: %s)',
  async (generic) => {
    const writer = new AuditWriter(models, { generic });
    const prefix = `burst-${generic}-`;
    await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        writer.record(row(`${prefix}${i}${i % 7 === 0 ? '-no-ip' : ''}`, i)),
      ),
    );
    await writer.flush();
    const [counts] = await sequelize.query<{ n: number; nulls: number }>(
      `SELECT COUNT(*) AS n, SUM(CASE WHEN ip IS NULL THEN 1 ELSE 0 END) AS nulls FROM token_audit WHERE subject LIKE '${prefix}%'`,
      { type: QueryTypes.SELECT },
    );
    expect([Number(counts?.n), Number(counts?.nulls)]).toEqual([450, 65]);
  },
);

it('rejects the callers of a batch that failed, and recovers', async () => {
  const writer = new AuditWriter(models);
  const bad = { ...row('bad', 0), tenant_id: null as unknown as string };
  await expect(writer.record(bad)).rejects.toThrow(/NOT NULL|not-null/);
  await expect(writer.record(row('after-failure', 0))).resolves.toBeUndefined();
  expect(await stored('after-failure')).toHaveLength(1);
});

it.runIf(ENGINE === 'sqlite')(
  'keeps no failed statement, and its prepared statements do not hold the connection open',
  async () => {
    const own = await connect(`sqlite:${join(dir, 'prepared.sqlite')}`);
    const ownModels = defineModels(own);
    const writer = new AuditWriter(ownModels);
    // No table yet: the prepare fails, and is not kept for the next batch of the same size.
    await expect(writer.record(row('before-migration', 0))).rejects.toThrow(/no such table/);
    await migrate(own);
    await writer.record(row('after-migration', 0));
    await Promise.all([writer.record(row('burst-1', 0)), writer.record(row('burst-2', 0))]);
    expect(await ownModels.TokenAudit.count()).toBe(3);
    // sqlite3 refuses to close with unfinalized statements; the writer's are finalized first.
    await expect(own.close()).resolves.toBeUndefined();
  },
);

it('stores each row its own dates when consecutive rows share or change them', async () => {
  const writer = new AuditWriter(models);
  const times = [5_000, 5_000, 6_000, 5_000];
  await Promise.all(times.map((ms, i) => writer.record(row(`dates-${i}`, ms))));
  for (const [i, ms] of times.entries()) {
    const [stored_] = await stored(`dates-${i}`);
    const expected = ENGINE === 'sqlite' ? sqlDate(new Date(ms)) : new Date(ms);
    expect([stored_?.issued_at, i]).toEqual([expected, i]);
  }
});

it.runIf(ENGINE === 'postgres')(
  "writes on PostgreSQL through the pool's own connections as a named query, never through sequelize.query, and gives each connection back",
  async () => {
    // Its own small pool: a connection not given back would leave the next batches waiting for one.
    const own = await connect(database.url, { poolMax: 2 });
    const ownModels = defineModels(own);
    const viaSequelize = vi.spyOn(own, 'query');
    const writer = new AuditWriter(ownModels);
    for (let i = 0; i < 6; i++) await writer.record(row(`pooled-${i}`, i));
    expect(viaSequelize).not.toHaveBeenCalled();
    const pool = (own as unknown as { connectionManager: { pool: { size: number; available: number } } })
      .connectionManager.pool;
    expect(pool.size - pool.available).toBe(0);
    viaSequelize.mockRestore();
    // Parsed once on that connection: PostgreSQL lists it among the session's prepared statements.
    const connection = await (
      own as unknown as { connectionManager: { getConnection(o: object): Promise<pg.Client> } }
    ).connectionManager.getConnection({ type: 'write' });
    const prepared = await connection.query(
      "SELECT name FROM pg_prepared_statements WHERE name LIKE 'tenantdash_audit_insert_%'",
    );
    (
      own as unknown as { connectionManager: { releaseConnection(c: unknown): void } }
    ).connectionManager.releaseConnection(connection);
    expect(prepared.rows).toEqual([{ name: 'tenantdash_audit_insert_1' }]);
    for (let i = 0; i < 6; i++) expect(await stored(`pooled-${i}`)).toHaveLength(1);
    await own.close();
  },
);

it('writes one batch at a time: rows recorded while one is written go together in the next', async () => {
  const manager = (
    sequelize as unknown as { connectionManager: { getConnection(o: object): Promise<unknown> } }
  ).connectionManager;
  const taken = vi.spyOn(manager, 'getConnection');
  try {
    const writer = new AuditWriter(models);
    const recorded = [0, 1, 2].map((i) => writer.record(row(`one-at-a-time-${i}`, i)));
    // The first row's batch is being written; the other two wait for it, together.
    expect(writer.pendingRows).toBe(3);
    await Promise.all(recorded);
    expect(taken).toHaveBeenCalledTimes(2);
  } finally {
    taken.mockRestore();
  }
  for (const i of [0, 1, 2]) expect(await stored(`one-at-a-time-${i}`)).toHaveLength(1);
});

it.runIf(ENGINE === 'postgres')(
  "sends a batch's messages to PostgreSQL in one write (the socket connect gives node-postgres)",
  async () => {
    const sockets: Socket[] = [];
    const connectSocket = CoalescingSocket.prototype.connect as (...args: unknown[]) => CoalescingSocket;
    const connected = vi.spyOn(CoalescingSocket.prototype, 'connect').mockImplementation(function (
      this: CoalescingSocket,
      ...args: unknown[]
    ) {
      sockets.push(this);
      return connectSocket.apply(this, args);
    });
    const own = await connect(database.url, { poolMax: 1 });
    try {
      const writer = new AuditWriter(defineModels(own));
      await writer.record(row('corked-first', 0));
      connected.mockRestore();
      // The pool's only connection, the one the next batch gets (Sequelize's first, which read the server's
      // version, is closed).
      const open = sockets.filter((socket) => !socket.destroyed);
      expect(open).toHaveLength(1);
      const socket = open[0]!;
      const coalescing = socket.write as (...args: unknown[]) => boolean;
      const corkedAfterWrite: number[] = [];
      socket.write = function (...args: unknown[]) {
        const written = coalescing.apply(socket, args);
        // Still corked once written: the message waits for the others of its tick.
        corkedAfterWrite.push(socket.writableCorked);
        return written;
      } as Socket['write'];
      await writer.record(row('corked-second', 0));
      socket.write = coalescing as Socket['write'];
      // bind, describe, execute, sync (parsed on the first batch), each written while corked.
      expect(corkedAfterWrite).toEqual([1, 1, 1, 1]);
      expect(socket.writableCorked).toBe(0);
      expect(await stored('corked-second')).toHaveLength(1);
    } finally {
      await own.close();
    }
  },
);
