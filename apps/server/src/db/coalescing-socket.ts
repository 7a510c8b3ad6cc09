/**
 * The socket node-postgres is given (its public `stream` option, which Sequelize passes on from
 * `dialectOptions`): a plain TCP socket that sends what is written to it within one tick in one write.
 * node-postgres writes each message of a query on its own (bind, describe, execute, sync for a prepared
 * one), and each write to a socket is a system call and, on loopback, the kernel's delivery to PostgreSQL;
 * socket writes by pg were ≈ 8 % of a PostgreSQL + Redis instance's CPU in the scale-out bench profile
 * (`bench:scale-out` with BENCH_CPU_PROF=1, see the README's Scale-out benchmark). The first write of a tick
 * corks the socket and the tick's end uncorks it, as Node's HTTP server does for a response.
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
  /**
   * Node's `connect` sets the socket's `write` back to Socket.prototype.write (it swaps it for one that
   * refuses writes after the other side's FIN, and undoes that on connect), so the write that coalesces is
   * set after it, on the instance, where that swap still replaces it after a FIN.
   */
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
