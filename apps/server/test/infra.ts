/**
 * Real infrastructure for the scale-out and fault tests: the machine's Redis (each test under a key prefix
 * of its own, deleted afterwards), private redis-server processes that a test may stop and restart, a TCP
 * proxy that can cut a server off from PostgreSQL, and cutting PostgreSQL sessions from the server side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildTestServer, ENGINE, POSTGRES_URL, testDatabase, type TestServer } from './helper.js';

export const SHARED_REDIS_URL = 'redis://127.0.0.1:6379';

/** A key prefix no other test (or deployment) uses. */
export const redisPrefix = () => `td-test-${randomBytes(6).toString('hex')}:`;

/** Hands each batch of keys under the prefix to `each`, by SCAN (never KEYS or FLUSHALL: the Redis is shared). */
async function scanKeys(
  url: string,
  prefix: string,
  each: (redis: Redis, keys: string[]) => Promise<unknown> | void,
): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await each(redis, keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under the prefix; how many there were. */
export async function dropRedisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<number> {
  let deleted = 0;
  await scanKeys(url, prefix, async (redis, keys) => {
    deleted += await redis.del(...keys);
  });
  return deleted;
}

export async function listRedisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<string[]> {
  const found: string[] = [];
  await scanKeys(url, prefix, (_redis, keys) => {
    found.push(...keys);
  });
  return found;
}

export async function countRedisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<number> {
  return (await listRedisKeys(prefix, url)).length;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Polls `check` until it returns a value other than undefined, at most `timeoutMs` (for states that only a
 * reconnection in another component can bring about: there is no event to wait on).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A redis-server of the test's own on a free port: stopped and started again on the same port. */
export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGTERM, and wait until it has exited. */
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis hangs with its connections open. */
  pause(): void;
  resume(): void;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const instance: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child && child.exitCode === null) return;
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let output = '';
      child.stdout!.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        child!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
        child!.stdout!.on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('Ready to accept connections')) resolve();
        });
      });
      child.stdout!.resume();
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
      child = undefined;
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
  };
  await instance.start();
  return instance;
}

/** Ends every PostgreSQL session opened with this application_name, as an administrator would. */
export async function terminatePostgresSessions(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const result = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * A TCP proxy in front of a server (PostgreSQL here). `cut()` resets every open connection and refuses
 * new ones, as a database host that went away would; `restore()` accepts again, on the same port.
 */
export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function tcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const forget = () => {
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', () => upstream.destroy()).on('close', forget);
    upstream.on('error', () => client.destroy()).on('close', forget);
    client.pipe(upstream).pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const closeServer = async () => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    port,
    cut: closeServer,
    async restore() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: closeServer,
  };
}

/** The app on a loopback port of its own; its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Two token servers sharing one fresh database and one Redis under a key prefix of their own. */
export interface InstancePair {
  servers: [TestServer, TestServer];
  /** The Redis key prefix both use. */
  prefix: string;
  /** Closes both, drops the database and deletes the prefix's keys. */
  close(): Promise<void>;
}

/**
 * Two instances as in a scale-out deploy, on `env` plus the shared Redis and a fresh prefix. On PostgreSQL both
 * start at once on the empty database, as in a deploy: one migrates, the other waits for it. SQLite is the
 * one-instance mode (nothing coordinates two processes migrating one file), so there they start in turn.
 */
export async function startInstancePair(
  sandboxUrl: string,
  env: Record<string, string>,
): Promise<InstancePair> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantdash-pair-'));
  const database = await testDatabase(dir);
  const prefix = redisPrefix();
  const build = () =>
    buildTestServer(
      sandboxUrl,
      { ...env, REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix },
      { database },
    );
  const servers: [TestServer, TestServer] =
    ENGINE === 'postgres' ? await Promise.all([build(), build()]) : [await build(), await build()];
  return {
    servers,
    prefix,
    close: async () => {
      for (const server of servers) await server.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
      await dropRedisKeys(prefix);
    },
  };
}
