// A TCP proxy that adds network latency on loopback: every chunk waits half the round trip in each direction,
// and a new connection carries nothing for one whole round trip first (the TCP handshake a real network
// charges). Order within a connection is kept.
import { createServer, connect } from 'node:net';

/** Starts a proxy on 127.0.0.1 (a free port) in front of `target` ({ host, port }); `rttMs` per round trip. */
export async function startLatencyProxy(target, rttMs) {
  const oneWay = rttMs / 2;
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const openAt = Date.now() + rttMs;
    // One queue per direction: a chunk leaves no sooner than the one before it.
    const pipe = (from, to, earliest) => {
      let last = 0;
      from.on('data', (chunk) => {
        const at = Math.max(earliest(), Date.now() + oneWay, last);
        last = at;
        setTimeout(() => to.destroyed || to.write(chunk), at - Date.now());
      });
      from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now())));
    };
    pipe(client, upstream, () => openAt + oneWay);
    pipe(upstream, client, () => 0);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: server.address().port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}
