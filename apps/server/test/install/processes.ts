// Child processes for the install tests: commands run to completion in a clean environment (what a user's
// shell gives npm: nothing of pnpm's, Vitest's or turbo's), and long-running servers in their own process
// group, stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep =
    /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LC_[A-Z]+|TZ|TMPDIR|CI|npm_config_cache|npm_config_registry)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (keep.test(name)) env[name] = value;
  // node-gyp and npm find the local Node headers instead of downloading them.
  return { ...env, NO_COLOR: '1', npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', ...extra };
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => kill(child, 'SIGKILL'), options.timeoutMs ?? 240_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export async function runOk(...args: Parameters<typeof run>): Promise<Result> {
  const result = await run(...args);
  if (result.code !== 0) {
    throw new Error(
      `\`${args[0]} ${args[1].join(' ')}\` exited ${result.code}\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export interface Background {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM to the process itself (not its group), as a supervisor sends it. */
  terminate(): Promise<number | null>;
  /** Whatever is left, by process group (test cleanup). */
  kill(): Promise<void>;
}

/** Starts a long-running command and waits until `url` answers below 500. */
export async function startBackground(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; url: string; timeoutMs?: number },
): Promise<Background> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), detached: true });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  const background: Background = {
    child,
    output: () => output,
    exited,
    async terminate() {
      if (!done && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      return exited;
    },
    async kill() {
      // The whole group, even when the command itself has exited: a wrapper (npx, a shell) can leave its
      // child behind.
      kill(child, 'SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (done) throw new Error(`\`${command} ${args.join(' ')}\` exited before answering:\n${output}`);
    try {
      const answer = await fetch(options.url, { signal: AbortSignal.timeout(2000) });
      await answer.arrayBuffer();
      if (answer.status < 500) return background;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await background.kill();
      throw new Error(`\`${command} ${args.join(' ')}\` did not answer at ${options.url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
