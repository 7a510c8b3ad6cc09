// What `pnpm demo` checks before and while it starts, without starting the stack: busy ports, quiet readiness.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { busyPorts, freePort, portFree, startProcess, waitForPort } from '../scripts/stack.mjs';

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
