// Child processes of the consumer apps: each in its own process group, stopped by killing that group, and
// recorded under <root>/pids so the global teardown can stop whatever a crashed worker left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment a developer's shell would give npm, Node, Vite and Next.js: nothing of pnpm's, Vitest's or
 * turbo's (`NODE_ENV=test` from Vitest would make `vite build` and `next build` build for development).
 */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LC_[A-Z]+|TZ|TMPDIR|CI|(https?|no)_proxy)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (keep.test(name)) env[name] = value;
  // The npm cache (one shared by every install) and registry stay whatever the caller chose.
  for (const name of ['npm_config_cache', 'npm_config_registry']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  return { ...env, NO_COLOR: '1', NEXT_TELEMETRY_DISABLED: '1', ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function track(root: string, child: ChildProcess): () => void {
  if (child.pid === undefined) return () => undefined;
  const dir = join(root, 'pids');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, String(child.pid));
  writeFileSync(file, '');
  return () => rmSync(file, { force: true });
}

/** Runs a command to completion (its own process group, killed when `timeoutMs` runs out). */
export function run(
  root: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? consumerEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const untrack = track(root, child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs ?? 240_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      untrack();
      fail(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      untrack();
      done({ code, signal, stdout, stderr });
    });
  });
}

/** Runs a command and fails with its whole output unless it exits 0. */
export async function runOk(
  root: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  const result = await run(root, command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${[command, ...args].join(' ')}\` in ${options.cwd} exited with ${result.code ?? result.signal}\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

export interface Server {
  url: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running Node process (vite preview, next start) and waits until `url` answers below 500. */
export async function startServer(
  root: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; url: string; timeoutMs?: number },
): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? consumerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const untrack = track(root, child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exited = false;
  const closed = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      untrack();
      done();
    }),
  );
  const server: Server = {
    url: options.url,
    output: () => output,
    async stop() {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await closed;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited) throw new Error(`\`node ${args.join(' ')}\` exited before answering:\n${output}`);
    try {
      const answer = await fetch(options.url, { signal: AbortSignal.timeout(5000) });
      await answer.arrayBuffer();
      if (answer.status < 500) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`\`node ${args.join(' ')}\` did not answer at ${options.url}:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Stops every process group recorded under <root>/pids (what a crashed or timed-out worker left). */
export function killRecorded(root: string, pids: string[]): void {
  for (const pid of pids) {
    try {
      process.kill(-Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(join(root, 'pids'), { recursive: true, force: true });
}
