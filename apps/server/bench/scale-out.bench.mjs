// Scale-out benchmark (issue 7): one token server on SQLite next to two on one PostgreSQL schema sharing one
// Redis, in the same run, with autocannon on loopback. Each server is a child process running the built app
// (`pnpm build` first); the PostgreSQL schema and the Redis keys are created for the run and removed at the
// end, also when the run fails or is interrupted. Prints one table, and whether the targets are met: no 5xx,
// no lost audit row (audit rows in the database >= 200s counted by autocannon). After the pair, one of the two
// PostgreSQL + Redis instances is loaded alone with the SQLite instance's connections: the same load on one
// instance, which separates the cost of each request from the contention of two servers on two cores.
// BENCH_CPU_PROF=1 writes each server's CPU profile to BENCH_CPU_PROF_DIR (/tmp/td-prof-scale-out): pg-a's
// ends with its run alone, so `node bench/cpuprofile-summary.mjs <pg-a's file>` summarises that run.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BENCH_AUTH_ENV, benchUserJwt } from './bench-identity.mjs';

const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 1);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Bound on each server's start and graceful close. */
const CHILD_TIMEOUT_MS = 30_000;
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF
  ? (process.env.BENCH_CPU_PROF_DIR ?? '/tmp/td-prof-scale-out')
  : undefined;

const distEntry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(distEntry)) {
  console.error('scale-out bench: run `pnpm build` first (it runs the built server in dist/)');
  process.exit(1);
}

const runId = randomBytes(5).toString('hex');
const schema = `td_bench_${runId}`;
const redisPrefix = `tdbench:${runId}:`;
const dir = mkdtempSync(join(tmpdir(), 'tenantdash-scale-out-'));
const sqliteUrl = `sqlite:${join(dir, 'bench.sqlite')}`;
const postgresUrl = (() => {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
})();

/** Everything to undo, most recent first; run once, on success, failure or interruption. */
const cleanups = [];
let cleaned;
function cleanUp() {
  cleaned ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`scale-out bench: cleanup "${step.what}" failed: ${error?.message ?? error}`);
      }
    }
  })();
  return cleaned;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`scale-out bench: ${signal}, cleaning up`);
    void cleanUp().then(() => process.exit(130));
  });
}
// The servers' log files live there too: kept when the run fails.
cleanups.push({
  what: 'temporary directory',
  run: () => {
    if (process.exitCode === 1) console.error(`scale-out bench: server logs kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  },
});

async function onPostgres(sql) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Deletes every key under the run's prefix (SCAN, never KEYS or FLUSH: the Redis is shared). */
async function deleteRedisKeys() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A server child process with its own log file; resolves once it listens. */
async function startServer(name, env) {
  const logFile = join(dir, `${name}.log`);
  const logFd = openSync(logFile, 'a');
  const child = fork(new URL('./scale-out-server.mjs', import.meta.url), {
    env: {
      PATH: process.env.PATH ?? '',
      PAPERMAP_API_KEY_ID: 'ak_bench',
      PAPERMAP_SECRET_KEY: 'sk_bench_0123456789abcdef0123456789abcdef',
      PAPERMAP_WORKSPACE_ID: 'ws_bench',
      // Never called: minting needs no upstream request.
      PAPERMAP_API_URL: 'http://127.0.0.1:9',
      ...BENCH_AUTH_ENV,
      // Far out of reach: the bench measures serving, not refusing.
      RATE_LIMIT_TOKEN_MAX: '1000000',
      RATE_LIMIT_GLOBAL_MAX: '1000000',
      LOG_LEVEL,
      DOCS_ENABLED: 'false',
      ...env,
    },
    stdio: ['ignore', logFd, logFd, 'ipc'],
    execArgv: CPU_PROF_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=${name}-${runId}.cpuprofile`]
      : [],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => closeSync(logFd));
  const server = { name, child, logFile, exited, port: undefined, closed: false };
  cleanups.push({
    what: `server ${name}`,
    run: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Graceful first (the same path as SIGTERM), then by force.
      if (child.connected) child.send('close');
      try {
        await withTimeout(exited, CHILD_TIMEOUT_MS, `${name} to close`);
      } catch {
        child.kill('SIGKILL');
        await exited;
      }
    },
  });
  const first = await withTimeout(
    Promise.race([
      new Promise((resolve) => child.once('message', resolve)),
      exited.then(({ code }) => {
        throw new Error(`server ${name} exited with code ${code} on start; log: ${logFile}`);
      }),
    ]),
    CHILD_TIMEOUT_MS,
    `${name} to start`,
  );
  server.port = first.port;
  return server;
}

function ask(server, message) {
  return withTimeout(
    new Promise((resolve) => {
      server.child.once('message', resolve);
      server.child.send(message);
    }),
    CHILD_TIMEOUT_MS,
    `${server.name} to answer ${message}`,
  );
}

async function closeServer(server) {
  server.child.send('close');
  const { code } = await withTimeout(server.exited, CHILD_TIMEOUT_MS, `${server.name} to close`);
  if (code !== 0) throw new Error(`server ${server.name} closed with code ${code}; log: ${server.logFile}`);
}

let jwt;
function cannon(server, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${server.port}/api/v1/dashboards/iframe-token`,
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: 'bench-tenant' }),
        connections,
        duration,
        // Raw counters and histograms, so the two instances' latencies can be merged exactly.
        skipAggregateResult: true,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Runs of each server, warm-up included (their 200s are audited too). */
const runs = new Map();
function record(server, raw, measured, connections) {
  const list = runs.get(server.name) ?? [];
  list.push({ raw, measured, connections });
  runs.set(server.name, list);
  return raw;
}

/** Server CPU time (µs) per request answered in the measured run. */
const cpuPerRequest = new Map();
async function measured(servers, connections) {
  const before = await Promise.all(servers.map((server) => ask(server, 'cpu')));
  const raws = await Promise.all(servers.map((server) => cannon(server, connections, DURATION_S)));
  const after = await Promise.all(servers.map((server) => ask(server, 'cpu')));
  servers.forEach((server, i) => {
    record(server, raws[i], true, connections);
    cpuPerRequest.set(server.name, (after[i].cpuUs - before[i].cpuUs) / raws[i].totalCompletedRequests);
  });
}

const ok200 = (raw) => raw.statusCodeStats['200']?.count ?? 0;
const sum = (values) => values.reduce((total, value) => total + value, 0);

try {
  await onPostgres(`CREATE SCHEMA ${schema}`);
  cleanups.push({
    what: `schema ${schema}`,
    run: () => onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  });
  cleanups.push({ what: `redis keys ${redisPrefix}*`, run: deleteRedisKeys });

  jwt = await benchUserJwt();

  const sqlite = await startServer('sqlite', { DATABASE_URL: sqliteUrl, BENCH_PROVISION: '1' });
  const shared = { DATABASE_URL: postgresUrl, REDIS_URL, REDIS_KEY_PREFIX: redisPrefix };
  // One after the other: the first migrates the fresh schema and stores the tenant, the second finds both.
  const pgA = await startServer('pg-a', { ...shared, BENCH_PROVISION: '1' });
  const pgB = await startServer('pg-b', shared);
  const pair = [pgA, pgB];
  const half = Math.max(1, Math.floor(CONNECTIONS / 2));

  record(sqlite, await cannon(sqlite, CONNECTIONS, WARMUP_S), false, CONNECTIONS);
  await measured([sqlite], CONNECTIONS);
  const warm = await Promise.all(pair.map((server) => cannon(server, half, WARMUP_S)));
  pair.forEach((server, i) => record(server, warm[i], false, half));
  await measured(pair, half);
  // pg-a again, alone, at the SQLite instance's load (its runs are recorded under a name of their own).
  const alone = { ...pgA, name: 'pg-a alone' };
  record(alone, await cannon(alone, CONNECTIONS, WARMUP_S), false, CONNECTIONS);
  await measured([alone], CONNECTIONS);

  // Graceful close: answers cut off when autocannon stopped are finished and audited before the count.
  for (const server of [sqlite, ...pair]) await closeServer(server);

  const { connect } = await import('../dist/db/connect.js');
  const sequelize = await connect(sqliteUrl);
  const [[{ n: sqliteAudit }]] = await sequelize.query('SELECT count(*) AS n FROM token_audit');
  await sequelize.close();
  const pgAudit = Number((await onPostgres(`SELECT count(*) AS n FROM ${schema}.token_audit`)).rows[0].n);

  const all = (name) => runs.get(name).map((run) => run.raw);
  const measuredRaw = (name) => runs.get(name).find((run) => run.measured).raw;
  /**
   * One column: the measured run(s) of `names`; the audit figures over every run of `auditNames` (the servers
   * writing to that database), warm-up included; none when `audit` is undefined (shown in another column).
   */
  function column(names, connections, audit, auditNames = names) {
    const raws = names.map(measuredRaw);
    // aggregateResult merges the latency histograms exactly (it mutates its first input: give it copies).
    const merged = autocannon.aggregateResult(structuredClone(raws), {
      url: 'http://127.0.0.1',
      connections,
    });
    const issued = sum(auditNames.flatMap((name) => all(name).map(ok200)));
    const inFlightBound = sum(auditNames.flatMap((name) => runs.get(name).map((run) => run.connections)));
    const auditFigures =
      audit === undefined
        ? { '200s (all runs)': '', 'audit rows': '', 'audit − 200s': '', 'cut-off bound': '' }
        : {
            '200s (all runs)': issued,
            'audit rows': audit,
            'audit − 200s': audit - issued,
            // Each connection has at most one request in flight when a run stops.
            'cut-off bound': inFlightBound,
          };
    return {
      connections: names.length > 1 ? `${connections} × ${names.length}` : connections,
      'req/s': Math.round(sum(raws.map((raw) => raw.totalCompletedRequests / raw.duration))),
      'p50 ms': merged.latency.p50,
      'p99 ms': merged.latency.p99,
      '2xx': merged['2xx'],
      'non-2xx': merged.non2xx,
      '5xx': merged['5xx'],
      'errors/timeouts': `${merged.errors}/${merged.timeouts}`,
      'server CPU µs/req': names.map((name) => Math.round(cpuPerRequest.get(name))).join(' / '),
      '× SQLite': names
        .map((name) => (cpuPerRequest.get(name) / cpuPerRequest.get('sqlite')).toFixed(2))
        .join(' / '),
      ...auditFigures,
    };
  }
  const columns = {
    'SQLite ×1': column(['sqlite'], CONNECTIONS, Number(sqliteAudit)),
    'PG+Redis ×2': column(['pg-a', 'pg-b'], half, pgAudit, ['pg-a', 'pg-b', 'pg-a alone']),
    'PG+Redis ×1': column(['pg-a alone'], CONNECTIONS, undefined),
  };
  console.log(
    `scale-out bench: autocannon on loopback, ${WARMUP_S} s warm-up + ${DURATION_S} s per setup; the pair ` +
      `loaded at once (two autocannon instances); Node ${process.version}, ${cpus().length} cores; ` +
      `server logs at ${LOG_LEVEL} to files`,
  );
  console.table(columns);
  console.log(
    'req/s, latency, status and error figures are for the measured runs (the pair: both instances, latencies ' +
      'merged). "200s (all runs)" and the audit rows include the warm-ups. audit − 200s > 0: requests cut off ' +
      'in flight when a run stopped (the server answered and audited them; autocannon no longer counted them), ' +
      'at most the cut-off bound. audit − 200s < 0: lost audit rows. PG+Redis ×1: pg-a alone after the pair, ' +
      'at the SQLite load; its runs count in the PostgreSQL audit figures of the ×2 column. × SQLite: server ' +
      "CPU per request over the SQLite instance's in this run.",
  );
  const fivexx = sum([...runs.values()].flat().map((run) => run.raw['5xx']));
  const lost = Object.values(columns).filter((c) => c['audit − 200s'] !== '' && c['audit − 200s'] < 0);
  const beyond = Object.values(columns).filter(
    (c) => c['audit − 200s'] !== '' && c['audit − 200s'] > c['cut-off bound'],
  );
  console.log(
    `target zero 5xx (all runs, warm-ups included): ${fivexx === 0 ? 'met' : `NOT met (${fivexx})`}`,
  );
  console.log(`target zero lost audit rows: ${lost.length === 0 ? 'met' : 'NOT met'}`);
  if (beyond.length > 0) console.log('warning: more audit rows than 200s + requests cut off in flight');
  process.exitCode = fivexx === 0 && lost.length === 0 ? 0 : 2;
} catch (error) {
  console.error(`scale-out bench failed: ${error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
  const left = await deleteRedisKeys().catch(() => -1);
  if (left !== 0) console.error(`scale-out bench: redis keys under ${redisPrefix} after cleanup: ${left}`);
}
