/**
 * The library internals src/shims/ relies on: each test fails when the library changes underneath the shim.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { expect, it } from 'vitest';
import { HELMET_OPTIONS } from '../src/plugins/security-headers.js';
import { helmetHeaders } from '../src/shims/helmet-headers.js';

it("helmet's middleware on a real response sets exactly the headers recorded once at start-up", async () => {
  const middleware = helmet({ ...HELMET_OPTIONS });
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    middleware(request, response, () => response.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    const sent = new Map<string, string>();
    answer.headers.forEach((value, name) => {
      if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)) {
        sent.set(name, value);
      }
    });
    const recorded = new Map(helmetHeaders(HELMET_OPTIONS));
    expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(sent));
    expect(recorded.get('referrer-policy')).toBe('no-referrer');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
