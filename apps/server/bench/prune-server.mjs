// Child process of audit-prune.bench.mjs: the real token server (built dist, JWT auth, rate limit, audit) on a
// SQLite file (or BENCH_DATABASE_URL), plus what the bench asks for over IPC: fill the audit table up to N rows
// older than the retention period ('seed'), start a prune round ('prune'), stop it and report what it deleted
// ('stop'), CPU time ('cpu').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { buildApp, loadConfig } from '../dist/index.js';
import { AuditRetention, DAY_MS } from '../dist/services/audit-retention.js';
import { BENCH_AUTH_ENV } from './bench-identity.mjs';

const RETENTION_DAYS = 90;
const dir = mkdtempSync(join(tmpdir(), 'tenantdash-prune-bench-'));
const config = loadConfig({
  PAPERMAP_API_KEY_ID: 'ak_bench',
  PAPERMAP_SECRET_KEY: 'sk_bench_0123456789abcdef0123456789abcdef',
  PAPERMAP_WORKSPACE_ID: 'ws_bench',
  // Never called: minting needs no upstream request.
  PAPERMAP_API_URL: 'http://127.0.0.1:9',
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'bench.sqlite')}`,
  ...BENCH_AUTH_ENV,
  RATE_LIMIT_TOKEN_MAX: '1000000',
  RATE_LIMIT_GLOBAL_MAX: '1000000',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  DOCS_ENABLED: 'false',
  // The app schedules no round of its own: the bench starts each one when it wants it.
  AUDIT_RETENTION_DAYS: '0',
});
const app = await buildApp(config);
const { sequelize } = app.store;
const postgres = sequelize.getDialect() === 'postgres';
await app.store.addDashboard({
  tenantId: 'bench-tenant',
  dashboardId: 'bench-dashboard',
  workspaceId: 'ws_bench',
  name: 'Bench',
  description: null,
  makeDefault: true,
});
await app.listen({ port: 0, host: '127.0.0.1' });

const now = Date.now();
const cutoff = new Date(now - RETENTION_DAYS * DAY_MS);
// Due rows are spread over a day ending 100 days ago, one millisecond apart.
const oldest = new Date(now - 101 * DAY_MS);

const count = async (sql, replacements = {}) =>
  Number(
    (
      await sequelize.query(`SELECT COUNT(*) AS n FROM token_audit ${sql}`, {
        type: QueryTypes.SELECT,
        replacements,
      })
    )[0].n,
  );

/** Adds due rows until there are `target` of them, in one statement per 100 000 rows (generated in SQL). */
async function seed(target) {
  let due = await count('WHERE issued_at < :cutoff', { cutoff });
  const started = Date.now();
  while (due < target) {
    const n = Math.min(100_000, target - due);
    if (postgres) {
      await sequelize.query(
        `INSERT INTO token_audit (tenant_id, dashboard_id, subject, ip, user_agent, issued_at, expires_at, token_sha256)
         SELECT 'bench-tenant', 'bench-dashboard', 'user:seed-' || (x % 5000), '203.0.113.' || (x % 250), 'Mozilla/5.0 (bench)',
                :oldest::timestamptz + (:offset + x) * interval '1 millisecond',
                :oldest::timestamptz + (:offset + x) * interval '1 millisecond' + interval '1 hour',
                md5(x::text) || md5((x + 1)::text)
         FROM generate_series(1, :n) AS x`,
        { replacements: { oldest, offset: due, n } },
      );
    } else {
      await sequelize.query(
        `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n)
         INSERT INTO token_audit (tenant_id, dashboard_id, subject, ip, user_agent, issued_at, expires_at, token_sha256)
         SELECT 'bench-tenant', 'bench-dashboard', 'user:seed-' || (x % 5000), '203.0.113.' || (x % 250), 'Mozilla/5.0 (bench)',
                strftime('%Y-%m-%d %H:%M:%f', :base, '+' || ((:offset + x) / 1000.0) || ' seconds') || ' +00:00',
                strftime('%Y-%m-%d %H:%M:%f', :base, '+' || (3600 + (:offset + x) / 1000.0) || ' seconds') || ' +00:00',
                printf('%064x', x)
         FROM c`,
        { replacements: { base: oldest.toISOString().slice(0, 19).replace('T', ' '), offset: due, n } },
      );
    }
    due += n;
  }
  return { due, seconds: (Date.now() - started) / 1000, total: await count('') };
}

let round;
process.on('message', async (message) => {
  if (message.type === 'seed') {
    process.send(await seed(message.rows));
  } else if (message.type === 'prune') {
    // BENCH_PRUNE_* override the server's defaults, to compare settings.
    const tuning = Object.fromEntries(
      [
        ['batchRows', process.env.BENCH_PRUNE_BATCH_ROWS],
        ['pauseMs', process.env.BENCH_PRUNE_PAUSE_MS],
        ['restFactor', process.env.BENCH_PRUNE_REST_FACTOR],
      ]
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, Number(value)]),
    );
    const retention = new AuditRetention(sequelize, {
      retentionDays: RETENTION_DAYS,
      now: () => now,
      ...tuning,
    });
    round = { retention, started: Date.now(), result: retention.pruneNow() };
    process.send({ started: true });
  } else if (message.type === 'stop') {
    await round.retention.stop();
    const result = await round.result;
    process.send({ ...result, seconds: (Date.now() - round.started) / 1000 });
  } else if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuUs: user + system });
  } else if (message.type === 'close') {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send({ port: app.server.address().port, dialect: sequelize.getDialect() });
