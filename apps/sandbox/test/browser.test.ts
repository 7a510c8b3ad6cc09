import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { launchChromium } from '@tenantdash/test-utils';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestSandbox, createDashboard, embedUrl, listen, NOW_MS, referenceToken } from './helpers.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const NOW_S = Math.floor(NOW_MS / 1000);

let app: FastifyInstance;
let parent: Server;
let parentOrigin: string;
let parentBody = '';
let base: string;
let browser: Browser;
let dashboardId: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A real host page on another origin (another port), so framing and postMessage cross origins for real.
  parent = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(parentBody);
  });
  await new Promise<void>((resolve) => parent.listen(0, '127.0.0.1', resolve));
  parentOrigin = `http://127.0.0.1:${(parent.address() as AddressInfo).port}`;
  app = (
    await buildTestSandbox({ workspaces: [{ id: 'ws_demo', apiKeys: [], allowedOrigins: [parentOrigin] }] })
  ).app;
  dashboardId = await createDashboard(app, 'Revenue overview');
  base = await listen(app);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => parent?.close(resolve));
});

async function withPage<T>(fn: (page: Page) => Promise<T>, width = 1200): Promise<T> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

describe('embed page in headless Chromium', () => {
  it('renders two tenants differently, neither as an error page', async () => {
    const shots: Buffer[] = [];
    for (const tenant of ['acme', 'globex']) {
      const shot = await withPage(async (page) => {
        const response = await page.goto(
          `${base}${embedUrl(referenceToken({ tenantId: tenant, dashboardId }), 'ws_demo', dashboardId)}`,
        );
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'data-embed-status')).toBe('ok');
        expect(await page.locator('[data-error-code]').count()).toBe(0);
        expect(await page.locator('h1').textContent()).toBe('Revenue overview');
        expect(await page.locator('.badge').textContent()).toBe(`Tenant: ${tenant}`);
        expect(await page.locator('section.tile').count()).toBe(4);
        expect(await page.locator('svg.chart').count()).toBe(4);
        return page.screenshot({ fullPage: true });
      });
      writeFileSync(`${ARTIFACTS}embed-${tenant}.png`, shot);
      shots.push(shot);
    }
    expect(shots[0]?.length).toBeGreaterThan(10_000);
    expect(shots[0]?.equals(shots[1] as Buffer)).toBe(false);
  });

  // 390 px is a phone; 324 px is what a host page at 390 px leaves its frame (the demo's card and padding).
  it.each([390, 324])(
    'fits a %i px wide frame: no horizontal overflow, every tile and chart inside',
    async (width) => {
      await withPage(async (page) => {
        await page.goto(
          `${base}${embedUrl(referenceToken({ tenantId: 'acme', dashboardId }), 'ws_demo', dashboardId)}`,
        );
        expect(await page.getAttribute('html', 'data-embed-status')).toBe('ok');
        const fit = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          outside: Array.from(
            document.querySelectorAll('section.tile, section.card, svg.chart, header.top'),
          ).filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth).length,
        }));
        expect(fit).toEqual({ scrollWidth: width, clientWidth: width, outside: 0 });
        writeFileSync(`${ARTIFACTS}embed-${width}px.png`, await page.screenshot({ fullPage: true }));
      }, width);
    },
  );

  it('shows a clear error page and logs the reason code with debug=true', async () => {
    await withPage(async (page) => {
      const logs: string[] = [];
      page.on('console', (message) => logs.push(`${message.type()}: ${message.text()}`));
      const expired = referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S - 10 });
      const response = await page.goto(`${base}${embedUrl(expired, 'ws_demo', dashboardId, true)}`);
      expect(response?.status()).toBe(401);
      expect(await page.getAttribute('html', 'data-embed-status')).toBe('error');
      expect(await page.locator('h1').textContent()).toBe('This embed link has expired');
      await expect.poll(() => logs).toContain('error: [tenantdash-sandbox] embed refused: TOKEN_EXPIRED');
      await page.screenshot({ path: `${ARTIFACTS}embed-error.png` });
    });
  });

  it('speaks the postMessage protocol with an allowed parent: ready, resize, expiry, set-token', async () => {
    await withPage(async (page) => {
      const src = `${base}${embedUrl(referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S + 120 }), 'ws_demo', dashboardId)}`;
      parentBody = `<!doctype html><body><script>
            window.__messages = [];
            addEventListener('message', (e) => { if (e.origin === ${JSON.stringify(base)}) window.__messages.push(e.data); });
          </script><iframe id="f" width="1000" height="300" src="${src.replace(/&/g, '&amp;')}"></iframe></body>`;
      await page.clock.install();
      await page.goto(`${parentOrigin}/host`);
      const messages = () =>
        page.evaluate(() => (window as unknown as { __messages: Array<Record<string, unknown>> }).__messages);
      const types = async () => (await messages()).map((m) => m.type);

      await expect.poll(types).toContain('tenantdash:ready');
      const ready = (await messages()).find((m) => m.type === 'tenantdash:ready');
      expect(ready).toMatchObject({ version: 1, dashboard_id: dashboardId, expires_at: NOW_S + 120 });
      expect(ready?.height).toBeGreaterThan(400);

      // Auto-size: the parent grows the frame and the page reports its (unchanged) content height on change.
      await page.evaluate(() => {
        (document.getElementById('f') as HTMLIFrameElement).width = '500';
      });
      await expect.poll(types).toContain('tenantdash:resize');

      // 120 s left: the warning comes a quarter of that (30 s, shorter than the 60 s default) before expiry.
      await page.clock.runFor(89_000);
      expect(await types()).not.toContain('tenantdash:token-expiring');
      await page.clock.runFor(2_000);
      await expect.poll(types).toContain('tenantdash:token-expiring');
      await page.clock.runFor(30_000);
      await expect.poll(types).toContain('tenantdash:token-expired');
      const frame = page.frameLocator('#f');
      expect(await frame.locator('body').getAttribute('class')).toBe('expired');

      const send = (token: string) =>
        page.evaluate(
          ([token, origin]) => {
            const frameWindow = (document.getElementById('f') as HTMLIFrameElement).contentWindow;
            frameWindow?.postMessage({ type: 'tenantdash:set-token', version: 1, token }, origin as string);
          },
          [token, base],
        );
      await send(referenceToken({ tenantId: 'globex', dashboardId }));
      await expect
        .poll(messages)
        .toContainEqual({ type: 'tenantdash:token-rejected', version: 1, code: 'TOKEN_MISMATCH' });
      await send(referenceToken({ tenantId: 'acme', dashboardId, validUntil: NOW_S + 3600 }));
      await expect
        .poll(messages)
        .toContainEqual({ type: 'tenantdash:token-accepted', version: 1, expires_at: NOW_S + 3600 });
      expect(await frame.locator('body').getAttribute('class')).toBe('');
      await page.screenshot({ path: `${ARTIFACTS}embed-in-parent.png` });
    });
  });
});
