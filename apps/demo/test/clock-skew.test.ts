/**
 * Browser clocks that are wrong, in real Chromium: the dashboard must reach `ready`, and every refresh must
 * reach the token server before the token it replaces expires there, with the browser's clock 15 min or 2 h
 * ahead or behind, the token server on the page's origin (through a proxy) or on another origin (CORS), and
 * 120 s or 3600 s tokens.
 *
 * Time is moved on both sides at once, so an hour-long token needs no hour: the sandbox and the token servers
 * run in this process on one injected clock (`serverNow`), and Chromium's clock (Playwright's, page and frame
 * alike) starts `shift` away from it. Each refresh cycle jumps both forward to 5 s before the current token's
 * server-side expiry: the refresh, due earlier, must fire on that jump and land before the expiry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type Request as PageRequest,
  type Response as PageResponse,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardToTokenServer } from '../scripts/forward-to-token-server.mjs';
import {
  CHROMIUM_LAUNCH,
  provisionTenant,
  signUserJwt,
  startSandbox,
  startTokenServer,
  type Listening,
} from '../scripts/in-process-stack.mjs';
import { startHostPage, type HostPage } from './host-page-server.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const TTLS = [120, 3600] as const;
const SHIFTS = { '+15 min': 15 * MIN, '−15 min': -15 * MIN, '+2 h': 2 * HOUR, '−2 h': -2 * HOUR };
const WORKSPACE = { id: 'ws_skew', keyId: 'ak_skew', secret: 'sk_skew_0123456789abcdef0123456789abcdef' };
const JWT = { secret: 'clock-skew-test-jwt-secret-0123456789', issuer: 'skew-idp', audience: 'tenantdash' };
const ADMIN_KEY = 'clock-skew-test-admin-key-0123456789';

/** The one clock of the sandbox and both token servers; moved forward by the test. */
let offsetMs = 0;
const serverNow = () => Date.now() + offsetMs;

const dir = mkdtempSync(join(tmpdir(), 'tenantdash-skew-'));
let host: HostPage | undefined;
let hostOrigin = '';
let sandbox: Listening;
const servers = new Map<number, Listening>();
let browser: Browser;
let userJwt = '';

async function startServerWithTtl(ttl: number): Promise<void> {
  const server = await startTokenServer({
    databasePath: join(dir, `server-${ttl}.sqlite`),
    sandboxUrl: sandbox.url,
    embedUrl: `${sandbox.url}/embedded/dashboard`,
    workspace: WORKSPACE,
    jwt: JWT,
    adminKey: ADMIN_KEY,
    now: serverNow,
    env: { EMBED_TOKEN_TTL_SECONDS: String(ttl), CORS_ORIGINS: hostOrigin },
  });
  servers.set(ttl, server);
  await provisionTenant(server.url, ADMIN_KEY, 'northwind', 'Northwind sales');
}

beforeAll(async () => {
  // `/ttl-<n>/api/…` passed to that token server: the same-origin setup.
  host = await startHostPage(join(dir, 'host'), async (request, response, url) => {
    const proxied = /^\/ttl-(\d+)(\/api\/.*)$/.exec(url.pathname);
    if (!proxied) return false;
    await forwardToTokenServer(request, response, `${servers.get(Number(proxied[1]))?.url}${proxied[2]}`);
    return true;
  });
  hostOrigin = host.origin;
  sandbox = await startSandbox({ workspace: WORKSPACE, allowedOrigins: [hostOrigin], now: serverNow });
  for (const ttl of TTLS) await startServerWithTtl(ttl);
  userJwt = await signUserJwt(JWT, 'skewed-user', ['northwind']);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  for (const { app } of servers.values()) await app.close();
  await sandbox?.app.close();
  await new Promise((done) => (host ? host.server.close(done) : done(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

const isTokenAnswer = (response: PageResponse) =>
  response.url().endsWith('/api/v1/dashboards/iframe-token') && response.request().method() === 'POST';

describe('refreshes land before the server-side expiry, whatever the browser clock says', () => {
  const cases = TTLS.flatMap((ttl) =>
    (['same-origin', 'cross-origin'] as const).flatMap((origin) =>
      Object.entries(SHIFTS).map(([name, shift]) => ({ ttl, origin, name, shift })),
    ),
  );

  it.each(cases)(
    '$ttl s tokens, $origin token server, browser clock $name',
    async ({ ttl, origin, shift }) => {
      offsetMs = 0;
      const server = servers.get(ttl);
      if (!server) throw new Error(`no ${ttl} s server`);
      const tokenUrl =
        origin === 'same-origin'
          ? `/ttl-${ttl}/api/v1/dashboards/iframe-token`
          : `${server.url}/api/v1/dashboards/iframe-token`;
      const context = await browser.newContext();
      try {
        await context.clock.install({ time: serverNow() + shift });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
        page.on('pageerror', (error) => errors.push(error.message));
        // When each token request reached the network, on the servers' clock; a failure's text, should one
        // fail below HTTP (shown in the assertion's message when the count is off).
        const requestedAt: number[] = [];
        const failed: string[] = [];
        const isTokenRequest = (request: PageRequest) =>
          request.url().endsWith('/iframe-token') && request.method() === 'POST';
        page.on('request', (request) => isTokenRequest(request) && requestedAt.push(serverNow()));
        page.on('requestfailed', (request) => {
          if (isTokenRequest(request)) failed.push(`${serverNow()}: ${request.failure()?.errorText}`);
        });
        const failures = () => `token requests failed: ${failed.join(', ') || 'none'}`;
        const ready = async () => {
          await page.locator('.tenantdash[data-state="ready"]').waitFor({ timeout: 20_000 });
          await page
            .frameLocator('.tenantdash iframe')
            .locator('html[data-embed-status="ok"]')
            .waitFor({ state: 'attached', timeout: 20_000 });
        };

        const first = page.waitForResponse(isTokenAnswer);
        await page.goto(`${hostOrigin}/?${new URLSearchParams({ tokenUrl, jwt: userJwt })}`);
        let current = (await (await first).json()) as { expires_at: number; expires_in: number };
        // Counted on the server's clock when it answered (after the audit row was written, which on a busy
        // machine can take a second of its own), so no later than now on that clock.
        expect(current.expires_in).toBeLessThanOrEqual(ttl);
        expect(current.expires_in).toBeGreaterThanOrEqual(
          Math.floor(current.expires_at - serverNow() / 1000),
        );
        await ready();
        expect(requestedAt, failures()).toHaveLength(1);

        for (let cycle = 1; cycle <= 2; cycle += 1) {
          // Both clocks to 5 s before this token dies on the server: its refresh was due well before.
          const jump = current.expires_at * 1000 - 5000 - serverNow();
          offsetMs += jump;
          const refreshed = page.waitForResponse(isTokenAnswer, { timeout: 15_000 });
          await context.clock.fastForward(jump);
          const answer = await refreshed;
          expect(answer.status()).toBe(200);
          expect(requestedAt, failures()).toHaveLength(cycle + 1);
          expect(requestedAt[cycle]).toBeLessThan(current.expires_at * 1000);
          current = (await answer.json()) as typeof current;
          await ready();
        }
        expect(await page.locator('.tenantdash').getAttribute('data-state')).toBe('ready');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
