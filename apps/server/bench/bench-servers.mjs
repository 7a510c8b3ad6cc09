// Child process of token-endpoint.bench.mjs: the real token server (SQLite file, JWT auth, rate limit, audit)
// and a bare Fastify app with the two baselines, all on loopback. Reports ports, then CPU time, RSS and audit
// rows on request, over IPC.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { buildApp, loadConfig } from '../dist/index.js';
import { BENCH_AUTH_ENV, benchUserJwt } from './bench-identity.mjs';

const TOKEN_PATH = '/api/v1/dashboards/iframe-token';

const dir = mkdtempSync(join(tmpdir(), 'tenantdash-bench-'));
// BENCH_WORKSPACES (default 1): how many Papermap workspaces are configured; with more than one, the bench
// tenant lives in the last one listed (not the default), so its key comes out of a map of that size.
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 1);
const extraWorkspaces = Array.from({ length: WORKSPACES - 1 }, (_, i) => ({
  id: `ws_bench_${i + 2}`,
  api_key_id: `ak_bench_${i + 2}`,
  secret_key: `sk_bench_${i + 2}_0123456789abcdef0123456789abcdef`,
}));
const benchWorkspace = extraWorkspaces.at(-1)?.id ?? 'ws_bench';
if (extraWorkspaces.length > 0)
  writeFileSync(join(dir, 'workspaces.json'), JSON.stringify({ workspaces: extraWorkspaces }));
const config = loadConfig({
  ...(extraWorkspaces.length > 0 ? { PAPERMAP_WORKSPACES_FILE: join(dir, 'workspaces.json') } : {}),
  PAPERMAP_API_KEY_ID: 'ak_bench',
  PAPERMAP_SECRET_KEY: 'sk_bench_0123456789abcdef0123456789abcdef',
  PAPERMAP_WORKSPACE_ID: 'ws_bench',
  // Never called: minting needs no upstream request.
  PAPERMAP_API_URL: 'http://127.0.0.1:9',
  DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
  ...BENCH_AUTH_ENV,
  RATE_LIMIT_TOKEN_MAX: '1000000',
  RATE_LIMIT_GLOBAL_MAX: '1000000',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  DOCS_ENABLED: 'false',
});
const app = await buildApp(config);
await app.store.addDashboard({
  tenantId: 'bench-tenant',
  dashboardId: 'bench-dashboard',
  workspaceId: benchWorkspace,
  name: 'Bench',
  description: null,
  makeDefault: true,
});
await app.listen({ port: 0, host: '127.0.0.1' });

// One real answer of the token endpoint (audited like any other), the constant body of the same-exchange baseline.
const sample = await app.inject({
  method: 'POST',
  url: TOKEN_PATH,
  headers: { authorization: `Bearer ${await benchUserJwt()}`, 'content-type': 'application/json' },
  payload: JSON.stringify({ tenant_id: 'bench-tenant' }),
});
if (sample.statusCode !== 200) throw new Error(`sample token request answered ${sample.statusCode}`);
const tokenAnswer = sample.json();
const signedBy = JSON.parse(Buffer.from(tokenAnswer.token, 'base64url').toString('utf8')).api_key_id;
if (signedBy !== (extraWorkspaces.at(-1)?.api_key_id ?? 'ak_bench'))
  throw new Error(`the bench token was signed by ${signedBy}`);

// Plain `Fastify()` (no logger, no plugins): each route only answers a constant JSON body.
const bare = Fastify();
// The minimal exchange: a GET answered with a small body.
bare.get('/constant', async () => ({ token: 'constant', dashboard_id: 'bench-dashboard', expires_at: 1 }));
// The token endpoint's exchange without its work: the same POST (same headers and body, parsed as JSON by
// Fastify's default parser) answered with a token answer's bytes.
bare.post(TOKEN_PATH, async () => tokenAnswer);
await bare.listen({ port: 0, host: '127.0.0.1' });

process.on('message', async (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ cpuUs: user + system, sysUs: system });
  } else if (message === 'rss') {
    process.send({ rss: process.memoryUsage().rss, audit: await app.store.models.TokenAudit.count() });
  } else if (message === 'close') {
    await app.close();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send({ token: app.server.address().port, bare: bare.server.address().port, sampleTokens: 1 });
