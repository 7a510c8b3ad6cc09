/**
 * The shim src/shims/coalescing-socket.ts, the socket the server gives node-postgres: what is written to it
 * within one tick reaches the other end in one write, also after Node's `connect` (which resets a socket's
 * `write`), and a write after the tick goes on its own. Over a real TCP connection on loopback.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CoalescingSocket } from '../src/shims/coalescing-socket.js';

let server: Server;
let received: Promise<Socket>;

beforeAll(async () => {
  server = createServer();
  received = new Promise((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** The next chunk the server side reads. */
const nextChunk = (peer: Socket) =>
  new Promise<string>((resolve) => peer.once('data', (d: Buffer) => resolve(String(d))));

it('sends the writes of one tick in one write, and uncorks at the end of the tick', async () => {
  const socket = new CoalescingSocket();
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  const peer = await received;
  try {
    const chunk = nextChunk(peer);
    socket.write('bind;');
    socket.write('describe;');
    expect(socket.writableCorked).toBe(1);
    socket.write('execute;');
    socket.write(Buffer.from('sync;'));
    expect(await chunk).toBe('bind;describe;execute;sync;');
    expect(socket.writableCorked).toBe(0);
    // The next tick's writes go in a write of their own.
    const next = nextChunk(peer);
    socket.write('query;');
    expect(await next).toBe('query;');
  } finally {
    socket.destroy();
    peer.destroy();
  }
});
