/**
 * Errors that say what happened, in real Chromium (what jsdom cannot show): a token server on another origin
 * that does not allow the page's origin by CORS is reported as such, not as a dead connection; and the embed
 * page's own error message (the sandbox's `tenantdash:error`) takes the dashboard to its error state with the
 * page's code, instead of leaving an error page on screen under a "ready" component.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmbedUrl, createEmbedToken } from '@tenantdash/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_LAUNCH,
  provisionTenant,
  signUserJwt,
  startSandbox,
  startTokenServer,
  type Listening,
} from '../scripts/in-process-stack.mjs';
import { startHostPage, type HostPage } from './host-page-server.js';

const WORKSPACE = { id: 'ws_errors', keyId: 'ak_errors', secret: 'sk_errors_0123456789abcdef0123456789abcd' };
const JWT = {
  secret: 'errors-test-jwt-secret-0123456789abcdef',
  issuer: 'errors-idp',
  audience: 'tenantdash',
};
const ADMIN_KEY = 'errors-test-admin-key-0123456789abcdef';
const TOKEN_PATH = '/api/v1/dashboards/iframe-token';

const dir = mkdtempSync(join(tmpdir(), 'tenantdash-errors-'));
let host: HostPage | undefined;
let hostOrigin = '';
let sandbox: Listening;
let server: Listening;
let browser: Browser;
let userJwt = '';

/**
 * The host page's same-origin token endpoint (`/bad-token`): a well-formed token for the workspace, signed
 * with the wrong key: what a misconfigured key looks like to the browser. The embed page lets the host frame it
 * (the token names the workspace) and refuses the token there.
 */
async function answerBadToken(response: ServerResponse): Promise<void> {
  const minted = await createEmbedToken({
    apiKeyId: WORKSPACE.keyId,
    secretKey: `${WORKSPACE.secret}-not-this-one`,
    workspaceId: WORKSPACE.id,
    tenantId: 'northwind',
    dashboardId: 'd_1',
    ttlSeconds: 600,
  });
  const embedUrl = buildEmbedUrl({
    token: minted.token,
    workspaceId: WORKSPACE.id,
    dashboardId: 'd_1',
    baseUrl: `${sandbox.url}/embedded/dashboard`,
  });
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify({ ...minted, expires_in: 600, embed_url: embedUrl }));
}

beforeAll(async () => {
  host = await startHostPage(join(dir, 'host'), async (_request, response, url) => {
    if (url.pathname !== '/bad-token') return false;
    await answerBadToken(response);
    return true;
  });
  hostOrigin = host.origin;
  sandbox = await startSandbox({ workspace: WORKSPACE, allowedOrigins: [hostOrigin] });
  // Another origin is allowed, not the host page's.
  server = await startTokenServer({
    databasePath: join(dir, 'server.sqlite'),
    sandboxUrl: sandbox.url,
    embedUrl: `${sandbox.url}/embedded/dashboard`,
    workspace: WORKSPACE,
    jwt: JWT,
    adminKey: ADMIN_KEY,
    env: { CORS_ORIGINS: 'https://app.example.com' },
  });
  await provisionTenant(server.url, ADMIN_KEY, 'northwind', 'Northwind sales');
  userJwt = await signUserJwt(JWT, 'errors-user', ['northwind']);
  browser = await chromium.launch(CHROMIUM_LAUNCH);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await server?.app.close();
  await sandbox?.app.close();
  await new Promise((done) => (host ? host.server.close(done) : done(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

async function open(tokenUrl: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${hostOrigin}/?${new URLSearchParams({ tokenUrl, jwt: userJwt })}`);
  return page;
}

describe('errors that say what happened, in Chromium', () => {
  it('a token server on another origin that does not allow the page by CORS is named as the likely cause', async () => {
    // The same request from outside a browser (no CORS) is answered: the server is up, only CORS refuses.
    const direct = await fetch(`${server.url}${TOKEN_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${userJwt}` },
      body: JSON.stringify({ tenant_id: 'northwind' }),
    });
    expect(direct.status).toBe(200);

    const page = await open(`${server.url}${TOKEN_PATH}`);
    try {
      // After its retries (1 s, 2 s, 4 s): a network error is retried, CORS cannot be told from one.
      const alert = page.locator('.tenantdash[data-state="error"] [role="alert"][data-code="NETWORK_ERROR"]');
      await alert.waitFor({ timeout: 30_000 });
      expect(await page.locator('#last-error').textContent()).toBe(
        'NETWORK_ERROR -: The token endpoint is unreachable or not allowed by CORS (check CORS_ORIGINS)',
      );
    } finally {
      await page.close();
    }
  }, 40_000);

  it("the embed page's own error takes the dashboard to its error state with the page's code", async () => {
    const page = await open('/bad-token');
    try {
      const alert = page.locator('.tenantdash[data-state="error"] [role="alert"][data-code="EMBED_ERROR"]');
      await alert.waitFor({ timeout: 20_000 });
      expect(await page.locator('.tenantdash iframe').count()).toBe(0);
      // The sandbox's code for a token it cannot verify, as the page sent it.
      expect(await page.locator('#last-error').textContent()).toMatch(/^EMBED_ERROR TOKEN_INVALID: /);
    } finally {
      await page.close();
    }
  });
});
