// The token endpoint while the audit table is pruned: its p99 during a prune round of BENCH_ROWS (1 million)
// due rows, next to its p99 without a prune, measured in the same run on the same table (the due rows are
// there in both; only the prune differs). Rounds alternate (without, with, without, with, …) so a machine
// whose speed drifts weighs on both alike; figures are medians over the rounds. Before each prune round the
// table is topped up to BENCH_ROWS due rows, so every round prunes a table of that size.
// Needs `pnpm build` first (the `bench` turbo task does it). BENCH_ENGINE=postgres runs it on the local
// PostgreSQL (BENCH_POSTGRES_URL), in a schema of its own created for the run and dropped at the end.
// BENCH_PRUNE_BATCH_ROWS, BENCH_PRUNE_PAUSE_MS and BENCH_PRUNE_REST_FACTOR try other prune settings.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchUserJwt } from './bench-identity.mjs';

let dropSchema = async () => undefined;
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// A paced load as well: what a token server sees most of the time, where latency is not queueing.
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 500);

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema =
  process.env.BENCH_ENGINE === 'postgres' ? `td_prune_bench_${randomBytes(4).toString('hex')}` : undefined;
const onPostgres = async (sql) => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
let databaseUrl;
if (schema) {
  await onPostgres(`CREATE SCHEMA ${schema}`);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  databaseUrl = url.href;
  const drop = () => onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  process.once('SIGINT', () => void drop().finally(() => process.exit(130)));
  dropSchema = drop;
}

const logDir = mkdtempSync(join(tmpdir(), 'tenantdash-prune-bench-log-'));
const logFd = openSync(join(logDir, 'server.log'), 'a');
const child = fork(new URL('./prune-server.mjs', import.meta.url), {
  stdio: ['ignore', logFd, 'inherit', 'ipc'],
  env: { ...process.env, ...(databaseUrl ? { BENCH_DATABASE_URL: databaseUrl } : {}) },
});
child.on('exit', (code) => {
  closeSync(logFd);
  if (code !== 0) {
    console.error(`bench server exited with code ${code}`);
    void dropSchema().finally(() => process.exit(1));
  }
});
const next = () => new Promise((resolve) => child.once('message', resolve));
const ask = (message) => {
  const answer = next();
  child.send(message);
  return answer;
};
const { port, dialect } = await next();

const jwt = await benchUserJwt();
const request = {
  url: `http://127.0.0.1:${port}/api/v1/dashboards/iframe-token`,
  method: 'POST',
  headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
  body: JSON.stringify({ tenant_id: 'bench-tenant' }),
};
const loads = [
  {
    key: 'saturated',
    title: `${CONNECTIONS} connections, as fast as it answers`,
    options: { connections: CONNECTIONS },
  },
  {
    key: 'paced',
    title: `${PACED_RATE} req/s (10 connections)`,
    options: { connections: 10, overallRate: PACED_RATE },
  },
];

const run = (options, duration = DURATION_S) =>
  new Promise((resolve, reject) =>
    autocannon({ ...request, duration, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );

console.log(`seeding ${ROWS.toLocaleString('en')} due audit rows (${dialect})…`);
const seeded = await ask({ type: 'seed', rows: ROWS });
console.log(`  ${seeded.due.toLocaleString('en')} due rows in ${seeded.seconds.toFixed(1)} s`);
for (const load of loads) await run(load.options, 2); // warm-up

const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const pruning of [false, true]) {
    for (const load of loads) {
      if (pruning) await ask({ type: 'seed', rows: ROWS });
      if (pruning) await ask({ type: 'prune' });
      const result = await run(load.options);
      const pruned = pruning ? await ask({ type: 'stop' }) : undefined;
      rounds.push({ round, pruning, load: load.key, result, pruned });
      process.stdout.write(
        `round ${round + 1} ${load.key.padEnd(9)} ${pruning ? 'prune  ' : 'no prune'}: p99 ${result.latency.p99} ms, ` +
          `${Math.round(result.requests.average)} req/s` +
          (pruned
            ? `, ${pruned.deleted.toLocaleString('en')} rows deleted in ${pruned.batches} batches`
            : '') +
          '\n',
      );
    }
  }
}
const exited = new Promise((resolve) => child.once('exit', resolve));
child.send({ type: 'close' });
await exited;
await dropSchema();
rmSync(logDir, { recursive: true, force: true });

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const rows = [];
for (const load of loads) {
  for (const pruning of [false, true]) {
    const runs = rounds.filter((r) => r.load === load.key && r.pruning === pruning);
    const deletedPerSecond = pruning
      ? median(runs.map((r) => r.pruned.deleted / r.pruned.seconds))
      : undefined;
    rows.push({
      load: load.title,
      prune: pruning ? 'during a prune' : 'baseline: none',
      'req/s': Math.round(median(runs.map((r) => r.result.requests.average))),
      'p50 ms': median(runs.map((r) => r.result.latency.p50)),
      'p99 ms': median(runs.map((r) => r.result.latency.p99)),
      'max ms': median(runs.map((r) => r.result.latency.max)),
      'non-2xx / errors': runs.reduce((n, r) => n + r.result.non2xx + r.result.errors + r.result.timeouts, 0),
      'rows pruned/s': deletedPerSecond === undefined ? '' : Math.round(deletedPerSecond),
    });
  }
}
console.log(
  `\n${dialect}, ${ROWS.toLocaleString('en')} due rows, ${ROUNDS} rounds of ${DURATION_S} s per load and mode, ` +
    `in turn; Node ${process.version}; medians over the rounds`,
);
console.table(rows);
for (const load of loads) {
  const [without, during] = [false, true].map((pruning) =>
    median(
      rounds.filter((r) => r.load === load.key && r.pruning === pruning).map((r) => r.result.latency.p99),
    ),
  );
  const perSecond = rows.find((row) => row.load === load.title && row.prune === 'during a prune')[
    'rows pruned/s'
  ];
  console.log(
    `${load.key}: p99 ${without} ms without a prune, ${during} ms during one (×${(during / without).toFixed(2)}); ` +
      `a full round of ${ROWS.toLocaleString('en')} rows takes ≈ ${Math.round(ROWS / perSecond)} s at this load`,
  );
}
