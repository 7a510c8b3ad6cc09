#!/usr/bin/env node
// One command for the whole kit: sandbox (local Papermap, :4010), token server (:4000, SQLite), demo (:5173).
// Seeds the demo tenants' dashboards on first start; Ctrl-C stops all three (by PID).
// Usage: node scripts/dev.mjs [--reset]   (--reset deletes apps/demo/data first: fresh databases)
//        node scripts/dev.mjs --check-ports   (only the busy-port check: `pnpm demo` runs it before building)
import { rmSync } from 'node:fs';
import {
  busyPorts,
  DEMO_STACK_DEFAULTS,
  demoUrl,
  sandboxUrl,
  serverUrl,
  startStack,
  stopAll,
} from '../apps/demo/scripts/stack.mjs';

if (process.env.NODE_ENV === 'production') {
  console.error(
    'dev.mjs starts a demo identity provider that signs anyone in: refusing to run with NODE_ENV=production.',
  );
  process.exit(1);
}

const colors = { sandbox: 35, server: 36, demo: 32, seed: 33, dev: 1 };
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const print = (name, line) => {
  const label = name.padEnd(7);
  const tag = useColor ? `\u001b[${colors[name] ?? 0}m${label}\u001b[0m` : label;
  process.stdout.write(`${tag} │ ${line}\n`);
};
// While stopping, the children's own goodbyes ("shutting down", Vite's) only repeat what dev says.
let stopping = false;
const log = (name, line) => {
  if (!stopping || name === 'dev' || /\b(WARN|ERROR|FATAL)\b/.test(line)) print(name, line);
};

const settings = { ...DEMO_STACK_DEFAULTS };

// A port held by something else: say which and what to do, before anything starts (a foreign server on
// 5173 would otherwise answer the readiness check, and the demo would be announced just before it fails).
const busy = await busyPorts(settings);
if (busy.length > 0) {
  const named = busy.map(({ port, what }) => `${port} (${what})`);
  const ports =
    named.length === 1
      ? `port ${named[0]} is`
      : `ports ${named.slice(0, -1).join(', ')} and ${named.at(-1)} are`;
  log(
    'dev',
    `cannot start: ${ports} already in use; stop what listens there ` +
      `(another \`pnpm demo\`? \`lsof -i :${busy[0].port}\` names it) and run \`pnpm demo\` again`,
  );
  process.exit(1);
}
if (process.argv.includes('--check-ports')) process.exit(0);

if (process.argv.includes('--reset')) {
  rmSync(settings.dataDir, { recursive: true, force: true });
  log('dev', `removed ${settings.dataDir}`);
}

// Filled as each process is spawned, so an interrupt during start-up still stops what is running.
const procs = {};
async function shutdown(reason, code = 0) {
  if (stopping) return;
  log('dev', `${reason}: stopping the demo, token server and sandbox…`);
  stopping = true;
  await stopAll(procs);
  log('dev', 'stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  log('dev', 'starting sandbox, token server and demo…');
  await startStack(settings, log, procs);
} catch (error) {
  if (stopping) await new Promise(() => {}); // shutdown() is already stopping everything and will exit
  log('dev', `could not start: ${error instanceof Error ? error.message : String(error)}`);
  log('dev', 'the lines above say why; stale databases? `pnpm demo:reset` starts from empty ones');
  process.exit(1);
}

if (stopping) await new Promise(() => {}); // interrupted while starting: shutdown() exits

// One child dying takes the others down: a half-running demo only confuses.
for (const proc of Object.values(procs)) {
  void proc.exited.then(({ code, signal }) => {
    if (stopping) return;
    // Ctrl-C reaches the children too (one process group): one of them may report before dev's handler runs.
    if (signal === 'SIGINT') void shutdown('Ctrl-C');
    else void shutdown(`${proc.name} exited (${signal ?? code})`, 1);
  });
}

log('dev', '');
log('dev', `Acme Analytics demo   ${demoUrl(settings)}   ← open this`);
log('dev', `token server          ${serverUrl(settings)}   (API docs at /docs)`);
log('dev', `Papermap sandbox      ${sandboxUrl(settings)}`);
log('dev', 'sign in as alice@northwind, bob@contoso or the admin; Ctrl-C stops everything');
log('dev', '');
