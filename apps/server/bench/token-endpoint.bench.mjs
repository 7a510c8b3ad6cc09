// Token endpoint (authenticated, rate-limited, audited to SQLite) vs bare Fastify routes answering a constant
// JSON body, measured in the same run with autocannon on loopback. Servers run in a child process so the load
// generator does not share their event loop. Needs `pnpm build` first (the `bench` turbo task does it).
//
// Two baselines, both a route of a plain `Fastify()` (no logger, no plugin) returning a constant JSON body:
// - minimal GET: a GET answered with a 68-byte body;
// - same exchange: the token endpoint's own request (POST, same headers, same JSON body, parsed) answered with
//   the bytes of a real token answer. The ratio against it is the cost of the endpoint's work alone; the gap
//   between the two baselines is what HTTP costs for this exchange (a request body, a 0.8 kB answer).
// Both ratios are printed against the target.
import { fork } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchUserJwt } from './bench-identity.mjs';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 20;
const TARGET_RSS_MB = 200;

const jwt = await benchUserJwt();

// The server logs (level `info` by default, as in production) go to a file, as they would in production,
// instead of the terminal.
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const logDir = mkdtempSync(join(tmpdir(), 'tenantdash-bench-log-'));
const logFile = join(logDir, 'server.log');
const logFd = openSync(logFile, 'a');
const child = fork(new URL('./bench-servers.mjs', import.meta.url), {
  env: { ...process.env, BENCH_LOG_LEVEL: LOG_LEVEL },
  stdio: ['ignore', logFd, 'inherit', 'ipc'],
  execArgv: process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/td-prof'] : [],
});
child.on('exit', (code) => {
  closeSync(logFd);
  if (code !== 0) {
    console.error(`bench servers exited with code ${code}`);
    process.exit(1);
  }
});
const next = () => new Promise((resolve) => child.once('message', resolve));
const ports = await next();

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const TOKEN_PATH = '/api/v1/dashboards/iframe-token';
const tokenExchange = {
  method: 'POST',
  headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
  body: JSON.stringify({ tenant_id: 'bench-tenant' }),
};
const routes = [
  {
    key: 'get',
    title: 'bare: minimal GET (68 B answer)',
    request: { url: `http://127.0.0.1:${ports.bare}/constant` },
  },
  {
    key: 'same',
    title: 'bare: same exchange (token request, token answer bytes)',
    request: { url: `http://127.0.0.1:${ports.bare}${TOKEN_PATH}`, ...tokenExchange },
  },
  {
    key: 'token',
    title: `POST ${TOKEN_PATH}`,
    request: { url: `http://127.0.0.1:${ports.token}${TOKEN_PATH}`, ...tokenExchange },
  },
];

async function cpuUs() {
  child.send('cpu');
  return await next();
}

/** One measured run, with the server process's CPU time per answered request. */
async function measure(options) {
  const before = await cpuUs();
  const result = await run(options);
  const after = await cpuUs();
  return {
    result,
    cpuPerRequest: (after.cpuUs - before.cpuUs) / result.requests.total,
    sysPerRequest: (after.sysUs - before.sysUs) / result.requests.total,
  };
}

// A short warm-up of each, then ROUNDS rounds of one measured run per route, in turn: a machine whose speed
// drifts during the bench (other jobs, a noisy neighbour) then weighs on every route alike. Figures are
// medians over the rounds; each ratio is taken within a round.
let warmTokens = 0;
for (const route of routes) {
  const result = await run({ ...route.request, duration: 1 });
  if (route.key === 'token') warmTokens = result['2xx'];
}
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const measured = {};
  for (const route of routes) measured[route.key] = await measure(route.request);
  rounds.push(measured);
}
child.send('rss');
const { rss, audit } = await next();
child.send('close');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const sum = (values) => values.reduce((total, value) => total + value, 0);
function row(route) {
  const runs = rounds.map((round) => round[route.key]);
  return {
    route: route.title,
    'req/s': Math.round(median(runs.map((r) => r.result.requests.average))),
    'p50 ms': median(runs.map((r) => r.result.latency.p50)),
    'p99 ms': median(runs.map((r) => r.result.latency.p99)),
    '2xx (all rounds)': sum(runs.map((r) => r.result['2xx'])),
    'non-2xx': sum(runs.map((r) => r.result.non2xx)),
    errors: sum(runs.map((r) => r.result.errors + r.result.timeouts)),
    // Server CPU time per answered request: steadier than req/s on a machine shared with other jobs.
    'server CPU µs/req': Math.round(median(runs.map((r) => r.cpuPerRequest))),
    'of which kernel': Math.round(median(runs.map((r) => r.sysPerRequest))),
  };
}
console.log(
  `autocannon: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per route, in turn, loopback, ` +
    `Node ${process.version}, server log level ${LOG_LEVEL} ` +
    `(${(statSync(logFile).size / 1024 / 1024).toFixed(1)} MB of log lines to a file); medians over the rounds`,
);
rmSync(logDir, { recursive: true, force: true });
console.table(routes.map(row));

const ratiosAgainst = (key) =>
  rounds.map((round) => round.token.result.requests.average / round[key].result.requests.average);
const verdict = (met) => (met ? 'met' : 'NOT met');
for (const [key, label] of [
  ['same', 'same exchange'],
  ['get', 'minimal GET  '],
]) {
  const ratios = ratiosAgainst(key);
  const ratio = median(ratios);
  console.log(
    `ratio token / ${label}: ${ratio.toFixed(3)} (target >= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)}); ` +
      `rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
  );
}
const p99 = median(rounds.map((round) => round.token.result.latency.p99));
console.log(`token p99: ${p99} ms (target < ${TARGET_P99_MS} ms: ${verdict(p99 < TARGET_P99_MS)})`);
const rssMb = rss / 1024 / 1024;
console.log(
  `server process RSS after the runs: ${rssMb.toFixed(1)} MB (target < ${TARGET_RSS_MB} MB: ` +
    `${verdict(rssMb < TARGET_RSS_MB)})`,
);
const issued = ports.sampleTokens + warmTokens + sum(rounds.map((round) => round.token.result['2xx']));
// A run's end cuts off requests in flight: the server finishes (and audits) them, autocannon does not count them.
console.log(
  `audit rows: ${audit}; 200s (sample + warm-up + runs): ${issued}; cut off in flight: ${audit - issued}`,
);
