#!/usr/bin/env node
// `tenantdash-server`: without a command (or with `start`) the server; otherwise an operator command.
import { loadDotEnv } from './config.js';
import { runCli } from './cli/run.js';
import { runServer } from './start.js';

const args = process.argv.slice(2);
if (args.length === 0 || (args.length === 1 && args[0] === 'start')) {
  runServer();
} else {
  loadDotEnv();
  process.exitCode = await runCli(args, process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
