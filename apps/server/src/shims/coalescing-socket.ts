/**
 * The socket node-postgres is given (its public `stream` option, which Sequelize passes on from
 * `dialectOptions`): a TCP socket that sends what is written to it within one tick in one write. The first
 * write of a tick corks the socket and the tick's end uncorks it, as Node's HTTP server does for a response.
 * A reach past Node's public socket API, kept because:
 *
 * - node-postgres writes each message of a query on its own (bind, describe, execute, sync for the audit
 *   writer's prepared INSERT), each a system call and, on loopback, the kernel's delivery to PostgreSQL, and
 *   has no public way to group them; the public route (pg's own socket) cost one PostgreSQL + Redis
 *   instance 117 against 101 µs of CPU a request in the scale-out bench (`bench:scale-out`, one instance
 *   alone, medians of five rounds in turn, 2026-11-29; commit 06d826b's README has the runs), over the 5 µs
 *   a request a shim may save to stay.
 *
 * What it relies on: Node's `net.Socket#connect` puts `Socket.prototype.write` back on the instance (it swaps
 * `write` for one that refuses writes after the other side's FIN and undoes that on connect), so a subclass's
 * `write` method would be dropped; the coalescing write is set on the instance after `connect`.
 * test/coalescing-socket.test.ts fails if the writes of a tick stop leaving in one write, and
 * test/audit-writer.test.ts if a batch's messages stop going through it.
 */
import { Socket, type SocketConnectOpts } from 'node:net';

function uncork(socket: Socket): void {
  socket.uncork();
}

type Write = Socket['write'];
const plainWrite = Socket.prototype.write as (this: Socket, ...args: unknown[]) => boolean;

function coalescingWrite(this: Socket, ...args: unknown[]): boolean {
  if (this.writableCorked === 0) {
    this.cork();
    process.nextTick(uncork, this);
  }
  return plainWrite.apply(this, args);
}

export class CoalescingSocket extends Socket {
  /** After Node's own `connect`, which resets `write`; Node's swap after a FIN still replaces this one. */
  override connect(options: SocketConnectOpts, connectionListener?: () => void): this;
  override connect(port: number, host: string, connectionListener?: () => void): this;
  override connect(port: number, connectionListener?: () => void): this;
  override connect(path: string, connectionListener?: () => void): this;
  override connect(...args: unknown[]): this {
    (super.connect as (...a: unknown[]) => this)(...args);
    this.write = coalescingWrite as Write;
    return this;
  }
}

/** For node-postgres' `stream` option: a new socket per connection. */
export const coalescingSocket = (): Socket => new CoalescingSocket();
