/**
 * Graceful shutdown of the standalone server (src/server.ts) as a real child process, the way a rolling
 * restart stops it: SIGTERM while 20 keep-alive clients keep asking for tokens. The process must exit 0 by
 * itself (a repeated SIGTERM included); every request is answered 200 or 503 SHUTTING_DOWN (with
 * Retry-After), or fails to connect; and every token handed out has its audit row once the process is gone.
 * A request stalled mid-body must not hold the shutdown beyond the server's drain bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { connect } from '../src/db/connect.js';
import { sha256Hex } from '../src/services/tokens.js';
import {
  adminKey,
  bearer,
  ENGINE,
  jwt,
  startSandbox,
  testDatabase,
  testEnv,
  type Sandbox,
  type TestDatabase,
} from './helper.js';
import { dropRedisKeys, redisPrefix as newRedisPrefix, SHARED_REDIS_URL } from './infra.js';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const CLIENTS = 20;
/** 200s answered before SIGTERM is sent. */
const ISSUED_BEFORE_SIGTERM = 300;
/** Bounds for conditions awaited below (generous: the machine is shared, tsx compiles on start). */
const START_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 30_000;
/** The server's own drain bound is 10 s; it must exit well within this. */
const EXIT_TIMEOUT_MS = 25_000;

/** What a client saw for one request. */
type Outcome =
  | { kind: 'issued'; token: string }
  | { kind: 'refused'; code: unknown; retryAfter: string | null }
  | { kind: 'connection'; code: string; afterHeaders: boolean }
  | { kind: 'unexpected'; detail: string };

/** Socket-level failures a client meets while an instance goes away (refused, reset, closed under it). */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String(error);
}

/** Resolves once `condition` holds (checked on each call of `register`'s callback); rejects after a bound. */
function waitFor(
  what: string,
  timeoutMs: number,
  register: (check: () => void) => void,
  condition: () => boolean,
) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      resolve();
    };
    register(check);
    check();
  });
}

interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Log lines (JSON) the server wrote to stdout/stderr. */
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited(): boolean;
  /** Resolves once the server has written a line matching `pattern` (or has exited). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
}

/** Starts `node --import tsx src/server.ts` (signals reach the server itself) and waits for it to listen. */
async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let hasExited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    }),
  );
  let port: number | undefined;
  const listeners: (() => void)[] = [];
  const collect = (chunk: Buffer, carry: { rest: string }) => {
    const parts = (carry.rest + chunk.toString('utf8')).split('\n');
    carry.rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      const match = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(line);
      if (match) port = Number(match[1]);
    }
    for (const listener of listeners) listener();
  };
  const out = { rest: '' };
  const err = { rest: '' };
  child.stdout.on('data', (chunk: Buffer) => collect(chunk, out));
  child.stderr.on('data', (chunk: Buffer) => collect(chunk, err));
  void exit.then(() => listeners.forEach((listener) => listener()));
  try {
    await waitFor(
      'the server to listen',
      START_TIMEOUT_MS,
      (check) => listeners.push(check),
      () => hasExited || port !== undefined,
    );
    if (port === undefined) throw new Error(`server exited on start:\n${lines.join('\n')}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    port,
    lines,
    exit,
    exited: () => hasExited,
    waitForLine: (pattern, timeoutMs) =>
      waitFor(
        `a log line matching ${pattern}`,
        timeoutMs,
        (check) => listeners.push(check),
        () => hasExited || lines.some((line) => pattern.test(line)),
      ),
  };
}

let sandbox: Sandbox;
let dir: string;
let database: TestDatabase;
let server: ServerProcess | undefined;
let redisPrefix: string | undefined;

beforeEach(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'tenantdash-shutdown-'));
  database = await testDatabase(dir);
});
afterEach(async () => {
  if (server && !server.exited()) {
    server.child.kill('SIGKILL');
    await server.exit;
  }
  server = undefined;
  if (redisPrefix) await dropRedisKeys(redisPrefix);
  redisPrefix = undefined;
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
  await sandbox?.close();
});

/** The child's whole environment: the test settings on this test's database, any port, limits out of reach. */
function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return testEnv(sandbox.url, {
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DOCS_ENABLED: 'false',
    RATE_LIMIT_TOKEN_MAX: '1000000',
    RATE_LIMIT_GLOBAL_MAX: '1000000',
    ...extra,
  }) as Record<string, string>;
}

it.each([
  { mode: 'limits and caches in the process', redis: false },
  // Redis is closed on shutdown too: after the last request, or requests would meet RATE_LIMIT_UNAVAILABLE.
  { mode: 'limits and caches in Redis', redis: true },
])(
  'SIGTERM under load ($mode): exits 0 by itself, only 200 or 503 SHUTTING_DOWN, no audit row lost',
  async ({ redis }) => {
    if (redis) redisPrefix = newRedisPrefix();
    server = await startServer(
      // A Redis slowed down by a loaded machine must not turn into 503 RATE_LIMIT_UNAVAILABLE here.
      serverEnv(
        redisPrefix
          ? { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: redisPrefix, REDIS_COMMAND_TIMEOUT_MS: '5000' }
          : {},
      ),
    );
    const base = `http://127.0.0.1:${server.port}/api/v1`;
    const provisioned = await fetch(`${base}/dashboards`, {
      method: 'POST',
      headers: { ...adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ tenant_id: 'sd', name: 'Shutdown' }),
    });
    expect(provisioned.status).toBe(201);

    const headers = {
      ...bearer(await jwt({ sub: 'shutdown', tenants: ['sd'] })),
      'content-type': 'application/json',
    };
    const outcomes: Outcome[] = [];
    let issued = 0;
    const progress: (() => void)[] = [];
    const running = server;

    async function request(): Promise<Outcome> {
      let response: Response;
      try {
        response = await fetch(`${base}/dashboards/iframe-token`, {
          method: 'POST',
          headers,
          body: '{"tenant_id":"sd"}',
        });
      } catch (error) {
        const code = errorCode(error);
        return CONNECTION_ERRORS.has(code)
          ? { kind: 'connection', code, afterHeaders: false }
          : { kind: 'unexpected', detail: `fetch failed: ${code}` };
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        // The answer was cut off after its headers: the server may have audited it, the client cannot tell.
        return { kind: 'connection', code: errorCode(error), afterHeaders: true };
      }
      if (response.status === 200)
        return { kind: 'issued', token: (JSON.parse(text) as { token: string }).token };
      if (response.status === 503) {
        return {
          kind: 'refused',
          code: (JSON.parse(text) as { code?: unknown }).code,
          retryAfter: response.headers.get('retry-after'),
        };
      }
      return { kind: 'unexpected', detail: `status ${response.status}: ${text.slice(0, 200)}` };
    }

    // Each client sends its next request as soon as the previous one is answered, until the process is gone.
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!running.exited()) {
        const outcome = await request();
        outcomes.push(outcome);
        if (outcome.kind === 'issued') issued++;
        for (const check of progress) check();
      }
    });

    await waitFor(
      `${ISSUED_BEFORE_SIGTERM} tokens`,
      LOAD_TIMEOUT_MS,
      (check) => progress.push(check),
      () => issued >= ISSUED_BEFORE_SIGTERM,
    );
    expect(running.child.kill('SIGTERM')).toBe(true);
    // A supervisor and a process-group kill may both deliver it: a repeated SIGTERM must not cut the drain short.
    await running.waitForLine(/"msg":"shutting down"/, EXIT_TIMEOUT_MS);
    if (!running.exited()) running.child.kill('SIGTERM');
    let exitTimer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      running.exit,
      new Promise<'timeout'>(
        (resolve) => (exitTimer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS)),
      ),
    ]);
    clearTimeout(exitTimer);
    if (exit === 'timeout') {
      running.child.kill('SIGKILL');
      await running.exit;
    }
    await Promise.all(clients);

    // For failure messages: what the clients saw, and the server's last log lines.
    const seen: Record<string, number> = {};
    for (const outcome of outcomes) {
      const key =
        outcome.kind === 'connection'
          ? `${outcome.code}${outcome.afterHeaders ? ' (body)' : ''}`
          : outcome.kind;
      seen[key] = (seen[key] ?? 0) + 1;
    }
    const context = `${JSON.stringify(seen)}\n${running.lines.slice(-20).join('\n')}`;
    expect(exit, context).toEqual({ code: 0, signal: null });
    // Nothing logged at error level or above (a failed request or a failed shutdown would be).
    expect(running.lines.filter((line) => /"level":[5-6]\d/.test(line))).toEqual([]);

    expect(outcomes.filter((outcome) => outcome.kind === 'unexpected')).toEqual([]);
    // The grace period (SHUTDOWN_GRACE_MS) refuses requests on open sockets before any socket is closed.
    expect(
      outcomes.some((outcome) => outcome.kind === 'refused'),
      context,
    ).toBe(true);
    for (const outcome of outcomes.filter((outcome) => outcome.kind === 'refused'))
      expect(outcome).toEqual({ kind: 'refused', code: 'SHUTTING_DOWN', retryAfter: '1' });
    const tokens = outcomes.flatMap((outcome) => (outcome.kind === 'issued' ? [outcome.token] : []));
    expect(tokens.length).toBeGreaterThanOrEqual(ISSUED_BEFORE_SIGTERM);

    // The counters really were in Redis (and go now).
    if (redisPrefix) expect(await dropRedisKeys(redisPrefix)).toBeGreaterThan(0);

    // The database as the process left it.
    const sequelize = await connect(database.url);
    let stored: string[];
    try {
      const [rows] = await sequelize.query('SELECT token_sha256 FROM token_audit');
      stored = (rows as { token_sha256: string }[]).map((row) => row.token_sha256);
    } finally {
      await sequelize.close();
    }
    const audited = new Set(stored);
    expect(tokens.filter((token) => !audited.has(sha256Hex(token)))).toEqual([]);
    // Rows beyond the 200s can only come from answers cut off after their headers (the server finished them).
    const cutOff = outcomes.filter((outcome) => outcome.kind === 'connection' && outcome.afterHeaders).length;
    expect(stored.length - tokens.length, context).toBeGreaterThanOrEqual(0);
    expect(stored.length - tokens.length, context).toBeLessThanOrEqual(cutOff);
  },
  120_000,
);

// Engine-independent, and it waits out the server's 10 s drain bound: run once, on the SQLite project.
it.skipIf(ENGINE === 'postgres')(
  'SIGTERM with a request stalled mid-body: its connection is cut after the drain bound and the process exits 0',
  async () => {
    server = await startServer(serverEnv());
    const running = server;
    const socket = connectTcp(running.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    let received = '';
    const continued = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (received.includes('100 Continue')) resolve();
      }),
    );
    // `Expect: 100-continue`: the server's interim answer proves it has the request before SIGTERM is sent.
    socket.write(
      'POST /api/v1/dashboards/iframe-token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\nExpect: 100-continue\r\n\r\n',
    );
    await continued;
    // Part of the body, then nothing more.
    socket.write('{"tenant_id":');
    expect(running.child.kill('SIGTERM')).toBe(true);

    let exitTimer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      running.exit,
      new Promise<'timeout'>(
        (resolve) => (exitTimer = setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS)),
      ),
    ]);
    clearTimeout(exitTimer);
    expect(exit, running.lines.slice(-20).join('\n')).toEqual({ code: 0, signal: null });
    await closed;
    // No answer beyond the interim one: the request never reached its handler.
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    const cut = running.lines.filter((line) =>
      line.includes('"msg":"connections still open after the drain bound: closed"'),
    );
    expect(cut).toHaveLength(1);
    expect(running.lines.filter((line) => /"level":[5-6]\d/.test(line))).toEqual([]);
  },
  60_000,
);
