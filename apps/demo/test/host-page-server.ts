/**
 * The test host page (`test/host-page`, the component on a page of its own) built with Vite and served from a
 * loopback port, for the browser tests that need a host they control: `extraRoute` answers the paths a test
 * adds (a same-origin token endpoint, a proxy) and returns true when it did; everything else is the build.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const HOST_PAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'host-page');

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

export type ExtraRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

export interface HostPage {
  server: Server;
  origin: string;
}

/** Builds the host page into `outDir` and serves it on 127.0.0.1 (a free port). */
export async function startHostPage(outDir: string, extraRoute?: ExtraRoute): Promise<HostPage> {
  await build({
    root: HOST_PAGE_DIR,
    configFile: false,
    logLevel: 'error',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  });
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://host');
      if (extraRoute && (await extraRoute(request, response, url))) return;
      const file = normalize(join(outDir, url.pathname === '/' ? 'index.html' : url.pathname));
      if (!file.startsWith(outDir)) return response.writeHead(404).end();
      try {
        const body = readFileSync(file);
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    })().catch(() => response.writeHead(502).end());
  });
  // Node closes an idle keep-alive connection after 5 s; Chromium may send its next request on it at that very
  // moment, and a POST it cannot know was unsent fails as a network error (which the component rightly retries,
  // one token request more than a test expects). The clock-skew test's refreshes come seconds apart in real time.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
