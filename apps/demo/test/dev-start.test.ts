// What `pnpm demo` checks before and while it starts, without starting the stack: busy ports, quiet readiness.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  busyPorts,
  DEMO_STACK_DEFAULTS,
  freePort,
  portFree,
  startProcess,
  waitForPort,
} from '../scripts/stack.mjs';

const devScript = fileURLToPath(new URL('../../../scripts/dev.mjs', import.meta.url));
const rootPackage = fileURLToPath(new URL('../../../package.json', import.meta.url));

describe('busyPorts', () => {
  it('names exactly the ports something else holds, with what each is for', async () => {
    const holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    const held = (holder.address() as AddressInfo).port;
    try {
      const serverPort = await freePort();
      expect(await portFree(held)).toBe(false);
      expect(await portFree(serverPort)).toBe(true);
      expect(await busyPorts({ sandboxPort: serverPort, serverPort, demoPort: held })).toEqual([
        { port: held, what: 'the demo app' },
      ]);
    } finally {
      await new Promise((done) => holder.close(done));
    }
  });
});

describe('pnpm demo with the demo port taken', () => {
  it('stops before building anything, with one line naming the port and what to do', async () => {
    // Hold 5173 ourselves unless something (a running demo) already does: busy either way.
    const holder = createServer();
    const held = await portFree(DEMO_STACK_DEFAULTS.demoPort);
    if (held)
      await new Promise<void>((done) => holder.listen(DEMO_STACK_DEFAULTS.demoPort, '127.0.0.1', done));
    try {
      // `pnpm demo` (and `demo:reset`) runs this first, and builds only when it exits 0.
      const root = JSON.parse(readFileSync(rootPackage, 'utf8')) as { scripts: Record<string, string> };
      for (const script of ['demo', 'demo:reset'])
        expect(root.scripts[script]).toMatch(/^node scripts\/dev\.mjs --check-ports && .*turbo run build /);
      const run = spawnSync(process.execPath, [devScript, '--check-ports'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      const lines = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line !== '');
      expect(run.status).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^dev +│ cannot start: ports? .*5173 \(the demo app\).* already in use; stop what listens there .* run `pnpm demo` again$/,
      );
    } finally {
      if (held) await new Promise((done) => holder.close(done));
    }
  });
});

describe('waitForPort', () => {
  it('returns once the child listens, without sending it a request', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const proc = startProcess({
      name: 'quiet',
      args: [
        '-e',
        `let n = 0; require('node:http').createServer((q, r) => { n++; r.end(); })` +
          `.listen(${port}, '127.0.0.1', () => console.log('listening'));` +
          `process.on('SIGTERM', () => { console.log('requests=' + n); process.exit(0); });`,
      ],
      cwd: process.cwd(),
      env: {},
      onLine: (_name, line) => lines.push(line),
    });
    try {
      await waitForPort('127.0.0.1', port, proc);
      await expect.poll(() => lines).toContain('listening');
    } finally {
      await proc.stop();
    }
    // Its output may trail its exit by a moment.
    await expect.poll(() => lines).toEqual(['listening', 'requests=0']);
  });

  it('fails with the process name when the child exits before listening', async () => {
    const proc = startProcess({
      name: 'early',
      args: ['-e', 'process.exit(3)'],
      cwd: process.cwd(),
      env: {},
      onLine: () => {},
    });
    await proc.exited;
    await expect(waitForPort('127.0.0.1', await freePort(), proc)).rejects.toThrow(
      /^early exited before it listened on 127\.0\.0\.1:\d+$/,
    );
  });
});
