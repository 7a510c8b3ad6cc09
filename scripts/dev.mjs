#!/usr/bin/env node
// One command for the whole kit: sandbox (local Papermap, :4010), token server (:4000, SQLite), demo (:5173).
// Seeds the demo tenants' dashboards on first start; Ctrl-C stops all three (by PID).
// Usage: node scripts/dev.mjs [--reset]   (--reset deletes apps/demo/data first: fresh databases)
import { rmSync } from 'node:fs';
import {
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
const log = (name, line) => {
  const label = name.padEnd(7);
  const tag = useColor ? `\u001b[${colors[name] ?? 0}m${label}\u001b[0m` : label;
  process.stdout.write(`${tag} │ ${line}\n`);
};

const settings = { ...DEMO_STACK_DEFAULTS };
if (process.argv.includes('--reset')) {
  rmSync(settings.dataDir, { recursive: true, force: true });
  log('dev', `removed ${settings.dataDir}`);
}

// Filled as each process is spawned, so an interrupt during start-up still stops what is running.
const procs = {};
let stopping = false;
async function shutdown(signal, code = 0) {
  if (stopping) return;
  stopping = true;
  log('dev', `${signal}: stopping demo, server and sandbox`);
  await stopAll(procs);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  log('dev', 'starting sandbox, token server and demo…');
  await startStack(settings, log, procs);
} catch (error) {
  if (stopping) await new Promise(() => {}); // shutdown() is already stopping everything and will exit
  log('dev', `could not start: ${error instanceof Error ? error.message : String(error)}`);
  log('dev', 'is a port in use (4010, 4000, 5173)? did `pnpm build` run? try `node scripts/dev.mjs --reset`');
  process.exit(1);
}

if (stopping) await new Promise(() => {}); // interrupted while starting: shutdown() exits

// One child dying takes the others down: a half-running demo only confuses.
for (const proc of Object.values(procs)) {
  void proc.exited.then(({ code, signal }) => {
    if (!stopping) {
      log('dev', `${proc.name} exited (${signal ?? code}); stopping the rest`);
      void shutdown('exit', 1);
    }
  });
}

log('dev', '');
log('dev', `Acme Analytics demo   ${demoUrl(settings)}   ← open this`);
log('dev', `token server          ${serverUrl(settings)}   (API docs at /docs)`);
log('dev', `Papermap sandbox      ${sandboxUrl(settings)}`);
log('dev', 'sign in as alice@northwind, bob@contoso or the admin; Ctrl-C stops everything');
log('dev', '');
