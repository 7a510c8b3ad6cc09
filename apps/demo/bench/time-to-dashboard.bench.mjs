// Time to dashboard: navigation start → the iframe's `load`, in headless Chromium, with the host page (and its
// same-origin token endpoint) and the embed page each behind a proxy that adds a 100 ms round trip and charges
// every new connection its handshake. Three host pages, in turn, each visit in a browser with a new profile (no
// connection, cache or session carried over):
//   (a) naive      the React example of Papermap's iframe-token page: fetch in useEffect, then an iframe
//   (b) component  <TenantDashboard>, the embed page named in its settings (so it preconnects)
//   (c) prefetched <TenantDashboard> hydrated with a token the host's server fetched while rendering the page
// The sandbox and the token server run in this process on loopback (the host's server reaches the token
// server directly, as a backend beside it would). Needs the packages built (`pnpm build`).
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dehydrate, QueryClient } from '@tanstack/react-query';
import { embedTokenQueryOptions } from '@tenantdash/react/prefetch';
import { chromium } from 'playwright-core';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { build } from 'vite';
import { forwardToTokenServer } from '../scripts/forward-to-token-server.mjs';
import {
  CHROMIUM_LAUNCH,
  provisionTenant,
  signUserJwt,
  startSandbox,
  startTokenServer,
} from '../scripts/in-process-stack.mjs';
import { startLatencyProxy } from './latency-proxy.mjs';
import { PrefetchedApp } from './time-to-dashboard/component-apps.mjs';

const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 12);
const VARIANTS = ['naive', 'component', 'prefetched'];
const TENANT = 'northwind';
const WORKSPACE = { id: 'ws_bench', keyId: 'ak_bench', secret: 'sk_bench_0123456789abcdef0123456789abcdef' };
const JWT = {
  secret: 'time-to-dashboard-bench-secret-0123456789',
  issuer: 'bench-idp',
  audience: 'tenantdash',
};
const ADMIN_KEY = 'time-to-dashboard-bench-admin-key-012345';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tenantdash-ttd-'));
const assets = join(work, 'assets');
const stops = [];
const stopAll = async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
};

// The three pages' scripts, built for production the way a Vite app would ship them.
await build({
  configFile: false,
  logLevel: 'error',
  build: {
    outDir: assets,
    emptyOutDir: true,
    manifest: 'manifest.json',
    rollupOptions: {
      input: Object.fromEntries(VARIANTS.map((v) => [v, join(here, `time-to-dashboard/client-${v}.mjs`)])),
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js' },
    },
  },
});
const manifest = JSON.parse(readFileSync(join(assets, 'manifest.json'), 'utf8'));
/** The entry's script and its chunks as module preloads, as Vite writes them into a page. */
function scriptsFor(variant) {
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry && chunk.name === variant);
  const preloads = (entry.imports ?? []).map(
    (key) => `<link rel="modulepreload" href="/${manifest[key].file}">`,
  );
  return `${preloads.join('')}<script type="module" src="/${entry.file}"></script>`;
}

const jwt = await signUserJwt(JWT, 'bench-user', [TENANT], '2h');

let tokenServerUrl = '';
let embedBaseUrl = '';
const json = (value) => JSON.stringify(value).replace(/</g, '\\u003c');
const page = (variant, body, settings) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${variant}</title>` +
  `<link rel="icon" href="data:,"></head><body><div id="root">${body}</div>` +
  `<script type="application/json" id="bench-settings">${json(settings)}</script>${scriptsFor(variant)}</body></html>`;

/** (c)'s server: the token fetched for this user while the page renders, the iframe in the HTML. */
async function prefetchedPage() {
  const client = new QueryClient();
  await client.prefetchQuery(
    embedTokenQueryOptions({
      tenantId: TENANT,
      userKey: 'bench-user',
      fetchToken: () =>
        fetch(`${tokenServerUrl}/api/v1/dashboards/iframe-token`, {
          method: 'POST',
          headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tenant_id: TENANT }),
        }),
    }),
  );
  const state = dehydrate(client);
  const settings = { tenantId: TENANT, jwt, embedBaseUrl, state };
  const html = renderToString(createElement(PrefetchedApp, { ...settings, client: new QueryClient() }));
  return page('prefetched', html, settings);
}

const TYPES = { '.js': 'text/javascript', '.json': 'application/json' };
const host = createServer((request, response) => {
  void (async () => {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    if (path.startsWith('/api/'))
      return await forwardToTokenServer(request, response, `${tokenServerUrl}${request.url}`);
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'private, no-store' };
    if (path === '/naive')
      return response.writeHead(200, headers).end(page('naive', '', { tenantId: TENANT, jwt }));
    if (path === '/component') {
      return response
        .writeHead(200, headers)
        .end(page('component', '', { tenantId: TENANT, jwt, embedBaseUrl }));
    }
    if (path === '/prefetched') return response.writeHead(200, headers).end(await prefetchedPage());
    const file = normalize(join(assets, path));
    if (!file.startsWith(assets)) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  })().catch((error) => {
    console.error(error);
    response.writeHead(500).end();
  });
});
await new Promise((done) => host.listen(0, '127.0.0.1', done));
stops.push(() => new Promise((done) => host.close(done)));
const hostProxy = await startLatencyProxy({ host: '127.0.0.1', port: host.address().port }, RTT_MS);
stops.push(hostProxy.close);
const hostOrigin = `http://127.0.0.1:${hostProxy.port}`;

const sandbox = await startSandbox({ workspace: WORKSPACE, allowedOrigins: [hostOrigin] });
stops.push(() => sandbox.app.close());
const embedProxy = await startLatencyProxy({ host: '127.0.0.1', port: sandbox.port }, RTT_MS);
stops.push(embedProxy.close);
embedBaseUrl = `http://127.0.0.1:${embedProxy.port}/embedded/dashboard`;

const tokenServer = await startTokenServer({
  databasePath: join(work, 'server.sqlite'),
  sandboxUrl: sandbox.url,
  embedUrl: embedBaseUrl,
  workspace: WORKSPACE,
  jwt: JWT,
  adminKey: ADMIN_KEY,
  env: { RATE_LIMIT_TOKEN_MAX: '10000' },
});
stops.push(() => tokenServer.app.close());
tokenServerUrl = tokenServer.url;
await provisionTenant(tokenServerUrl, ADMIN_KEY, TENANT, 'Northwind sales');

// Watches for the dashboard's iframe from the first parsed byte on, and notes when it has loaded.
const WATCH_IFRAME = () => {
  new MutationObserver(() => {
    const frame = document.querySelector('iframe');
    if (!frame || frame.dataset.watched) return;
    frame.dataset.watched = '1';
    frame.addEventListener('load', () => (window.__iframeLoadedMs ??= performance.now()));
  }).observe(document, { childList: true, subtree: true });
};

/**
 * One visit in a browser of its own with a new, empty profile: no connection, cache or learnt hint carried
 * over. A regular profile, not an incognito context: Chromium ignores `<link rel="preconnect">` in those
 * (checked here: no connection is opened), and the people who open dashboards browse in regular ones.
 * Returns ms from navigation start to the iframe's load, and the browser's token requests until then.
 */
async function visit(variant) {
  const context = await chromium.launchPersistentContext(
    mkdtempSync(join(work, 'profile-')),
    CHROMIUM_LAUNCH,
  );
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    await tab.addInitScript(WATCH_IFRAME);
    let tokenRequestsBeforeLoad = 0;
    tab.on('request', (request) => {
      if (request.url().endsWith('/iframe-token')) tokenRequestsBeforeLoad += 1;
    });
    await tab.goto(`${hostOrigin}/${variant}`);
    const loadedMs = await (
      await tab.waitForFunction(() => window.__iframeLoadedMs, undefined, { timeout: 30_000 })
    ).jsonValue();
    const requests = tokenRequestsBeforeLoad;
    // The frame holds the tenant's dashboard, not an error page.
    await tab.frameLocator('iframe').locator('html[data-embed-status="ok"]').waitFor({ state: 'attached' });
    return { ms: loadedMs, tokenRequests: requests };
  } finally {
    await context.close();
  }
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

try {
  await visit('naive'); // warm-up: Chromium's first start, the servers' first requests
  const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const requests = Object.fromEntries(VARIANTS.map((v) => [v, 0]));
  for (let run = 0; run < RUNS; run += 1) {
    // Rounds in turn, each starting with a different page, so drift in the machine's speed hits all three.
    for (let i = 0; i < VARIANTS.length; i += 1) {
      const variant = VARIANTS[(run + i) % VARIANTS.length];
      const { ms, tokenRequests } = await visit(variant);
      results[variant].push(ms);
      requests[variant] = Math.max(requests[variant], tokenRequests);
    }
  }
  const m = Object.fromEntries(VARIANTS.map((v) => [v, Math.round(median(results[v]))]));
  console.log(
    `\ntime to dashboard, ${RTT_MS} ms round trip, ${RUNS} runs each in turn (ms from navigation start)`,
  );
  console.log('| page | median | min | max | browser token requests before the iframe loaded |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const v of VARIANTS) {
    const all = results[v];
    console.log(
      `| ${v} | ${m[v]} | ${Math.round(Math.min(...all))} | ${Math.round(Math.max(...all))} | ${requests[v]} |`,
    );
  }
  const verdict = (ok) => (ok ? '✓' : '✗');
  console.log(
    `\ncomponent no slower than naive: ${verdict(m.component <= m.naive)} (${m.component - m.naive} ms); ` +
      `prefetched at least one round trip faster than naive: ${verdict(m.naive - m.prefetched >= RTT_MS)} (${m.naive - m.prefetched} ms)`,
  );
  console.log(
    `time-to-dashboard: naive ${m.naive} ms, component ${m.component} ms, prefetched ${m.prefetched} ms`,
  );
} finally {
  await stopAll();
}
