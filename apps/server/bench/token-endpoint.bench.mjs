// Token endpoint (authenticated, rate-limited, audited to SQLite) vs a bare Fastify route with a constant
// JSON body, measured in the same run with autocannon on loopback. Servers run in a child process so the
// load generator does not share their event loop. Needs `pnpm build` first (the `bench` turbo task does it).
import { fork } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const JWT_SECRET = 'bench-jwt-secret-0123456789-0123456789-xyz';

// The server logs (level `info` by default, as in production) go to a file, as they would in production,
// instead of the terminal.
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const logDir = mkdtempSync(join(tmpdir(), 'tenantdash-bench-log-'));
const logFile = join(logDir, 'server.log');
const logFd = openSync(logFile, 'a');
const child = fork(new URL('./bench-servers.mjs', import.meta.url), {
  env: { ...process.env, BENCH_JWT_SECRET: JWT_SECRET, BENCH_LOG_LEVEL: LOG_LEVEL },
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

const jwt = await new SignJWT({ tenants: ['bench-tenant'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench-user')
  .setIssuer('https://idp.bench')
  .setAudience('bench')
  .setExpirationTime('1h')
  .sign(new TextEncoder().encode(JWT_SECRET));

function run(title, options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error, result) =>
      error ? reject(error) : resolve({ title, result }),
    );
  });
}

// A short warm-up of each, then the measured runs.
await run('warm-bare', { url: `http://127.0.0.1:${ports.bare}/constant`, duration: 1 });
const warmToken = await run('warm-token', {
  url: `http://127.0.0.1:${ports.token}/api/v1/dashboards/iframe-token`,
  method: 'POST',
  headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
  body: JSON.stringify({ tenant_id: 'bench-tenant' }),
  duration: 1,
});
async function cpuUs() {
  child.send('cpu');
  return await next();
}
const cpu0 = await cpuUs();
const bare = await run('bare Fastify route (constant JSON)', {
  url: `http://127.0.0.1:${ports.bare}/constant`,
  ...(process.env.BENCH_CPU_PROF ? { duration: 1 } : {}),
});
const cpu1 = await cpuUs();
const token = await run('POST /api/v1/dashboards/iframe-token', {
  url: `http://127.0.0.1:${ports.token}/api/v1/dashboards/iframe-token`,
  method: 'POST',
  headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
  body: JSON.stringify({ tenant_id: 'bench-tenant' }),
});
const cpu2 = await cpuUs();
child.send('rss');
const { rss, audit } = await next();
child.send('close');

const row = ({ title, result }) => ({
  route: title,
  'req/s': Math.round(result.requests.average),
  'p50 ms': result.latency.p50,
  'p99 ms': result.latency.p99,
  '2xx': result['2xx'],
  'non-2xx': result.non2xx,
  errors: result.errors + result.timeouts,
  'server CPU µs/req': Math.round(cpuPerRequest.get(title).total),
  'of which kernel': Math.round(cpuPerRequest.get(title).sys),
});
// Server CPU time per answered request: steadier than req/s on a machine shared with other jobs.
const perRequest = (from, to, count) => ({
  total: (to.cpuUs - from.cpuUs) / count,
  sys: (to.sysUs - from.sysUs) / count,
});
const cpuPerRequest = new Map([
  [bare.title, perRequest(cpu0, cpu1, bare.result.requests.total)],
  [token.title, perRequest(cpu1, cpu2, token.result.requests.total)],
]);
console.log(
  `autocannon: ${CONNECTIONS} connections, ${DURATION_S} s each, loopback, Node ${process.version}, ` +
    `server log level ${LOG_LEVEL} (${(statSync(logFile).size / 1024 / 1024).toFixed(1)} MB of log lines to a file)`,
);
rmSync(logDir, { recursive: true, force: true });
console.table([row(bare), row(token)]);
const ratio = token.result.requests.average / bare.result.requests.average;
console.log(`ratio token/bare: ${ratio.toFixed(2)} (target >= 0.5)`);
console.log(`token p99: ${token.result.latency.p99} ms (target < 20 ms)`);
console.log(`server process RSS after the runs: ${(rss / 1024 / 1024).toFixed(1)} MB (target < 200 MB)`);
const issued = warmToken.result['2xx'] + token.result['2xx'];
// A run's end cuts off requests in flight: the server finishes (and audits) them, autocannon does not count them.
console.log(
  `audit rows: ${audit}; 200s counted by autocannon (warm-up + run): ${issued}; cut off in flight: ${audit - issued}`,
);
