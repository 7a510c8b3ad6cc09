// Child process of scale-out.bench.mjs: one token server (the built app) configured by its environment
// (DATABASE_URL, REDIS_URL, …), on a loopback port of its own. With BENCH_PROVISION=1 it first stores the bench
// tenant's dashboard. Reports its port over IPC, then answers `cpu` and `close`; exits when the parent goes.
import { buildApp, loadConfig } from '../dist/index.js';

const app = await buildApp(loadConfig(process.env));
if (process.env.BENCH_PROVISION === '1') {
  await app.store.addDashboard({
    tenantId: 'bench-tenant',
    dashboardId: 'bench-dashboard',
    workspaceId: 'ws_bench',
    name: 'Bench',
    description: null,
    makeDefault: true,
  });
}
await app.listen({ port: 0, host: '127.0.0.1' });

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  // The graceful path: requests in flight finish, pending audit rows are written, connections closed.
  await app.close();
  process.exit(0);
}
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuUs: user + system });
  } else if (message === 'close') {
    void close();
  }
});
// The bench died or was interrupted: do not outlive it.
process.on('disconnect', () => void close());
process.send({ port: app.server.address().port });
