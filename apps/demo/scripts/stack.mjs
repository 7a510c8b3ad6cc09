// Starts the whole kit as child processes: sandbox (local Papermap), token server, demo (Vite).
// Used by scripts/dev.mjs (one-command start) and by the end-to-end tests (free ports, temp databases).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = resolve(demoDir, '../..');

/** Fixed, public, local-only values shared by the three processes (see the sandbox README). */
export const DEMO_STACK_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  sandboxPort: 4010,
  serverPort: 4000,
  demoPort: 5173,
  dataDir: join(demoDir, 'data'),
  workspaceId: 'ws_demo',
  apiKeyId: 'ak_demo',
  secretKey: 'sk_demo_0123456789abcdef0123456789abcdef',
  sandboxAdminToken: 'demo-sandbox-admin-token',
  adminApiKey: 'demo-admin-api-key-local-use-only',
  jwtSecret: 'tenantdash-demo-jwt-secret-for-local-use-only',
  jwtIssuer: 'tenantdash-demo-identity',
  jwtAudience: 'tenantdash',
  embedTokenTtlSeconds: 120,
  hmr: true,
  tenants: [
    { tenantId: 'northwind', name: 'Northwind sales' },
    { tenantId: 'contoso', name: 'Contoso operations' },
  ],
});

export async function freePort(host = '127.0.0.1') {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** Whether `port` can be listened on at `host` right now (false: something else holds it). */
export async function portFree(port, host = '127.0.0.1') {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, host, () => probe.close(() => done(true)));
  });
}

const PORT_OWNERS = {
  sandboxPort: 'the Papermap sandbox',
  serverPort: 'the token server',
  demoPort: 'the demo app',
};

/** The stack's ports that something else already holds, with what each is for. */
export async function busyPorts(options) {
  const o = settings(options);
  const busy = [];
  for (const [key, what] of Object.entries(PORT_OWNERS)) {
    if (!(await portFree(o[key], o.host))) busy.push({ port: o[key], what });
  }
  return busy;
}

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/**
 * A per-process formatter: one short line per pino JSON line (sandbox, token server), request lines as
 * "200 12ms GET /path" (the URL from the request's "incoming request" line); other lines pass through.
 */
export function lineFormatter() {
  const requests = new Map();
  return (line) => {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return line.replace(/\s+$/, '');
    }
    if (typeof entry !== 'object' || entry === null) return line;
    if (entry.msg === 'incoming request') {
      if (entry.reqId !== undefined) requests.set(entry.reqId, entry.req);
      return undefined;
    }
    const level = LEVELS[entry.level] ?? '';
    const parts = level === 'info' ? [] : [level];
    if (entry.msg === 'request completed' && entry.res) {
      const req = entry.req ?? requests.get(entry.reqId);
      requests.delete(entry.reqId);
      const time = typeof entry.responseTime === 'number' ? ` ${Math.round(entry.responseTime)}ms` : '';
      parts.push(`${entry.res.statusCode}${time} ${req?.method ?? ''} ${req?.url ?? req?.path ?? ''}`.trim());
    } else {
      parts.push(entry.msg ?? '');
    }
    // The token server puts what it issued (tenant, dashboard, subject, expiry) on the request's line.
    for (const key of ['tenant_id', 'dashboard_id', 'subject', 'expires_at', 'signal']) {
      if (entry[key] !== undefined) parts.push(`${key}=${entry[key]}`);
    }
    if (entry.err?.message) parts.push(`(${entry.err.message})`);
    return parts.join(' ');
  };
}

function pipeLines(stream, emit) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') emit(line);
  });
  stream.on('end', () => rest.trim() !== '' && emit(rest));
}

/** A child process with line-wise output and a PID-targeted stop. */
export function startProcess({ name, args, cwd, env, onLine }) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const format = lineFormatter();
  const emit = (line) => {
    const text = format(line);
    if (text !== undefined && text !== '') onLine(name, text);
  };
  pipeLines(child.stdout, emit);
  pipeLines(child.stderr, emit);
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let exitedAlready = false;
  void exited.then(() => (exitedAlready = true));
  return {
    name,
    pid: child.pid,
    exited,
    get running() {
      return !exitedAlready;
    },
    /** SIGTERM by PID, then SIGKILL if it has not gone after `graceMs`. */
    async stop(graceMs = 5000) {
      if (exitedAlready || child.pid === undefined) return;
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = new Promise((done) => setTimeout(() => done('timeout'), graceMs).unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers (any status below 500), or fails when the process dies or time runs out. */
export async function waitForHttp(url, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited before it answered at ${url}`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (answer.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${proc.name} did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Polls until `host:port` accepts a TCP connection, or fails when the process dies or time runs out. Sends no
 * request, so a server that logs every request logs nothing for it.
 */
export async function waitForPort(host, port, proc, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`${proc.name} exited before it listened on ${host}:${port}`);
    const open = await new Promise((done) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${proc.name} did not listen on ${host}:${port} within ${timeoutMs} ms`);
}

/** A process that never became ready is stopped before the error goes up (no orphan left behind). */
async function waitOrStop(ready, proc) {
  try {
    await ready();
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

function settings(options = {}) {
  return { ...DEMO_STACK_DEFAULTS, ...options };
}

const tsxArgs = (entry) => ['--import', 'tsx', entry];

export function sandboxUrl(o) {
  return `http://${o.host}:${o.sandboxPort}`;
}
export function serverUrl(o) {
  return `http://${o.host}:${o.serverPort}`;
}
export function demoUrl(o) {
  return `http://${o.host}:${o.demoPort}`;
}

export async function startSandbox(options, onLine, track = () => {}) {
  const o = settings(options);
  mkdirSync(o.dataDir, { recursive: true });
  const proc = startProcess({
    name: 'sandbox',
    args: tsxArgs('src/server.ts'),
    cwd: join(repoDir, 'apps/sandbox'),
    env: {
      SANDBOX_PORT: String(o.sandboxPort),
      SANDBOX_HOST: o.host,
      SANDBOX_DATABASE_PATH: join(o.dataDir, 'sandbox.sqlite'),
      SANDBOX_ADMIN_TOKEN: o.sandboxAdminToken,
      SANDBOX_ALLOWED_ORIGINS: [`http://127.0.0.1:${o.demoPort}`, `http://localhost:${o.demoPort}`].join(','),
    },
    onLine,
  });
  track(proc);
  // Fastify listens only once its routes are ready; an HTTP probe would only add a 400 line to the log.
  await waitOrStop(() => waitForPort(o.host, o.sandboxPort, proc), proc);
  return proc;
}

export function serverEnv(options) {
  const o = settings(options);
  return {
    HOST: o.host,
    PORT: String(o.serverPort),
    DATABASE_URL: `sqlite:${join(o.dataDir, 'server.sqlite')}`,
    PAPERMAP_API_URL: sandboxUrl(o),
    PAPERMAP_EMBED_URL: `${sandboxUrl(o)}/embedded/dashboard`,
    PAPERMAP_WORKSPACE_ID: o.workspaceId,
    PAPERMAP_API_KEY_ID: o.apiKeyId,
    PAPERMAP_SECRET_KEY: o.secretKey,
    AUTH_JWT_SECRET: o.jwtSecret,
    AUTH_JWKS_URL: '',
    AUTH_ISSUER: o.jwtIssuer,
    AUTH_AUDIENCE: o.jwtAudience,
    AUTH_TENANTS_CLAIM: 'tenants',
    AUTH_ADMIN_CLAIM: 'tenantdash_admin',
    ADMIN_API_KEYS: o.adminApiKey,
    EMBED_TOKEN_TTL_SECONDS: String(o.embedTokenTtlSeconds),
    // Every browser request arrives through the demo's proxy, from one address.
    RATE_LIMIT_GLOBAL_MAX: '3000',
    USAGE_CACHE_TTL_MS: '2000',
    CORS_ORIGINS: '',
  };
}

export async function startServer(options, onLine, track = () => {}) {
  const o = settings(options);
  mkdirSync(o.dataDir, { recursive: true });
  const proc = startProcess({
    name: 'server',
    args: tsxArgs('src/server.ts'),
    cwd: join(repoDir, 'apps/server'),
    env: serverEnv(o),
    onLine,
  });
  track(proc);
  await waitOrStop(() => waitForHttp(`${serverUrl(o)}/healthz`, proc), proc);
  return proc;
}

/** Gives each demo tenant a dashboard, once: tenants that already have one are left alone. */
export async function seedTenants(options, onLine = () => {}) {
  const o = settings(options);
  const admin = { 'x-admin-key': o.adminApiKey };
  const listed = await fetch(`${serverUrl(o)}/api/v1/tenants`, { headers: admin });
  if (!listed.ok) throw new Error(`listing tenants failed with ${listed.status}`);
  const { tenants } = await listed.json();
  const seeded = {};
  for (const { tenantId, name } of o.tenants) {
    const known = tenants.find((tenant) => tenant.tenant_id === tenantId);
    if (known && known.dashboards > 0) {
      onLine('seed', `${tenantId}: already has a dashboard`);
      continue;
    }
    const created = await fetch(`${serverUrl(o)}/api/v1/dashboards`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json', 'idempotency-key': `demo-seed-${tenantId}` },
      body: JSON.stringify({ tenant_id: tenantId, name, make_default: true }),
    });
    if (created.status !== 201) throw new Error(`provisioning ${tenantId} failed with ${created.status}`);
    const body = await created.json();
    seeded[tenantId] = body.dashboard_id;
    onLine('seed', `${tenantId}: provisioned "${name}" (${body.dashboard_id})`);
  }
  await warnAboutOrphans(o, tenants, onLine);
  return seeded;
}

/** The two databases are kept together; if one was deleted alone, say so instead of failing in the browser. */
async function warnAboutOrphans(o, tenants, onLine) {
  try {
    const upstream = await fetch(`${sandboxUrl(o)}/__sandbox/dashboards?workspace_id=${o.workspaceId}`, {
      headers: { 'x-sandbox-admin-token': o.sandboxAdminToken },
    });
    if (!upstream.ok) return;
    const known = new Set((await upstream.json()).dashboards.map((d) => d.dashboard_id));
    for (const { tenant_id: tenantId } of tenants) {
      const mine = await fetch(
        `${serverUrl(o)}/api/v1/dashboards?tenant_id=${encodeURIComponent(tenantId)}`,
        {
          headers: { 'x-admin-key': o.adminApiKey },
        },
      );
      if (!mine.ok) continue;
      const missing = (await mine.json()).dashboards.filter((d) => !known.has(d.dashboard_id));
      if (missing.length > 0) {
        onLine(
          'seed',
          `WARN ${tenantId}: ${missing.length} dashboard(s) unknown to the sandbox; restart with --reset`,
        );
      }
    }
  } catch {
    // Only a hint; the stack works without it.
  }
}

export async function startDemo(options, onLine, track = () => {}) {
  const o = settings(options);
  const proc = startProcess({
    name: 'demo',
    args: [
      join(demoDir, 'node_modules/vite/bin/vite.js'),
      '--host',
      o.host,
      '--port',
      String(o.demoPort),
      '--strictPort',
      '--clearScreen',
      'false',
    ],
    cwd: demoDir,
    env: {
      DEMO_TOKEN_SERVER_URL: serverUrl(o),
      DEMO_JWT_SECRET: o.jwtSecret,
      DEMO_JWT_ISSUER: o.jwtIssuer,
      DEMO_JWT_AUDIENCE: o.jwtAudience,
      DEMO_HMR: o.hmr ? 'true' : 'false',
    },
    onLine,
  });
  track(proc);
  await waitOrStop(() => waitForHttp(`${demoUrl(o)}/`, proc), proc);
  return proc;
}

/**
 * Sandbox, then token server, then seed, then demo. Each process is put into `procs` as soon as it is
 * spawned-and-ready, so a caller interrupted during start-up can still stop what is running. On a failure
 * everything already started is stopped. Returns the processes and `stop()` (reverse order, by PID).
 */
export async function startStack(options, onLine, procs = {}) {
  const o = settings(options);
  const stop = () => stopAll(procs);
  try {
    await startSandbox(o, onLine, (proc) => (procs.sandbox = proc));
    await startServer(o, onLine, (proc) => (procs.server = proc));
    const seeded = await seedTenants(o, onLine);
    await startDemo(o, onLine, (proc) => (procs.demo = proc));
    return { procs, seeded, settings: o, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stops demo, server and sandbox (whichever are there), by PID, in that order. */
export async function stopAll(procs) {
  for (const name of ['demo', 'server', 'sandbox']) await procs[name]?.stop();
}
