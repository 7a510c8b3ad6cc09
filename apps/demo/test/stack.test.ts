// The orchestrator's pieces that need no servers: log lines, child processes stopped by PID.
import { describe, expect, it } from 'vitest';
import { freePort, lineFormatter, startProcess } from '../scripts/stack.mjs';

describe('lineFormatter', () => {
  it('turns pino request pairs into one short line with the path, and never echoes a query string', () => {
    const format = lineFormatter();
    expect(
      format(
        JSON.stringify({
          level: 30,
          msg: 'incoming request',
          reqId: 'r1',
          req: { method: 'GET', path: '/embedded/dashboard' },
        }),
      ),
    ).toBeUndefined();
    expect(
      format(
        JSON.stringify({
          level: 30,
          msg: 'request completed',
          reqId: 'r1',
          res: { statusCode: 200 },
          responseTime: 3.4,
        }),
      ),
    ).toBe('200 3ms GET /embedded/dashboard');
    // The token server logs `url` already stripped of its query; the formatter adds nothing else.
    format(
      JSON.stringify({
        level: 30,
        msg: 'incoming request',
        reqId: 'r2',
        req: { method: 'POST', url: '/api/v1/dashboards/iframe-token' },
      }),
    );
    expect(
      format(JSON.stringify({ level: 30, msg: 'request completed', reqId: 'r2', res: { statusCode: 404 } })),
    ).toBe('404 POST /api/v1/dashboards/iframe-token');
    expect(
      format(
        JSON.stringify({
          level: 30,
          msg: 'request completed',
          req: { method: 'POST', url: '/api/v1/dashboards/iframe-token' },
          res: { statusCode: 200 },
          responseTime: 1.2,
          tenant_id: 'acme',
          dashboard_id: 'd1',
          subject: 'user:ann',
          expires_at: 1700000000,
        }),
      ),
    ).toBe(
      '200 1ms POST /api/v1/dashboards/iframe-token tenant_id=acme dashboard_id=d1 subject=user:ann expires_at=1700000000',
    );
  });

  it('keeps the useful fields of other entries and marks warnings and errors', () => {
    const format = lineFormatter();
    expect(
      format(
        JSON.stringify({ level: 30, msg: 'embed token issued', tenant_id: 'acme', token: 'never-shown' }),
      ),
    ).toBe('embed token issued tenant_id=acme');
    expect(format(JSON.stringify({ level: 50, msg: 'request failed', err: { message: 'boom' } }))).toBe(
      'ERROR request failed (boom)',
    );
    expect(format('  VITE ready   ')).toBe('  VITE ready');
  });
});

describe('startProcess', () => {
  it('streams lines and stops the child by PID', async () => {
    const lines: string[] = [];
    const port = await freePort();
    const proc = startProcess({
      name: 'child',
      args: [
        '-e',
        `console.log(JSON.stringify({ level: 30, msg: 'listening', port: ${port} })); setInterval(() => {}, 1000);`,
      ],
      cwd: process.cwd(),
      env: {},
      onLine: (name, line) => lines.push(`${name}: ${line}`),
    });
    await expect.poll(() => lines).toEqual(['child: listening']);
    expect(proc.running).toBe(true);
    await proc.stop();
    expect(proc.running).toBe(false);
    expect(await proc.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('falls back to SIGKILL when the child ignores SIGTERM', async () => {
    const lines: string[] = [];
    const proc = startProcess({
      name: 'stubborn',
      args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);"],
      cwd: process.cwd(),
      env: {},
      onLine: (_name, line) => lines.push(line),
    });
    // Its SIGTERM handler is in place once it has printed.
    await expect.poll(() => lines).toEqual(['up']);
    await proc.stop(500);
    expect((await proc.exited).signal).toBe('SIGKILL');
  });
});
