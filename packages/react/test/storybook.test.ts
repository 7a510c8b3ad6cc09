// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const staticDir = join(root, 'storybook-static');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What each story settles into in a real browser, with the msw service worker answering token requests. */
const STORIES: Record<string, string> = {
  loading: 'loading',
  loaded: 'ready',
  refreshing: 'refreshing',
  'refresh-failed': 'refresh-failed',
  expired: 'expired',
  forbidden: 'error',
  'network-error': 'error',
  'auto-height': 'ready',
  'custom-theme': 'ready',
  'custom-theme-error': 'error',
  'custom-loading-slot': 'loading',
  'custom-error-slot': 'error',
  'several-dashboards': 'ready',
  'token-handover': 'ready',
  'src-swap-near-expiry': 'ready',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

let server: Server | undefined;
let browser: Browser | undefined;
let base = '';

// The static build is part of the tests: offline, telemetry off. The browser checks below use its output.
beforeAll(async () => {
  execFileSync('node_modules/.bin/storybook', ['build', '--quiet', '-o', 'storybook-static'], {
    cwd: root,
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
    stdio: 'pipe',
  });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(staticDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(staticDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

describe('static Storybook', () => {
  it('holds every story, the msw worker and the stand-in page', () => {
    for (const file of ['index.html', 'iframe.html', 'mockServiceWorker.js', 'dashboard.html']) {
      expect(existsSync(join(staticDir, file)), file).toBe(true);
    }
    const index = JSON.parse(readFileSync(join(staticDir, 'index.json'), 'utf8')) as {
      entries: Record<string, { type: string }>;
    };
    const ids = Object.keys(index.entries).filter((id) => index.entries[id]?.type === 'story');
    expect(ids.sort()).toEqual(
      Object.keys(STORIES)
        .map((s) => `tenantdashboard--${s}`)
        .sort(),
    );
  });

  it.each(Object.entries(STORIES))('renders %s in Chromium without a page error', async (id, state) => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${base}/iframe.html?id=tenantdashboard--${id}&viewMode=story`);
      await page.waitForFunction(
        (want) => {
          const roots = [...document.querySelectorAll('.tenantdash')];
          return roots.length > 0 && roots.every((el) => el.getAttribute('data-state') === want);
        },
        state,
        { timeout: 15_000 },
      );
      if (state === 'ready') {
        // The stand-in page really loaded inside the frame, from the static build, with its token.
        const token = page.frameLocator('iframe').first().locator('#token');
        expect(await token.textContent({ timeout: 15_000 })).toMatch(/^token …/);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('follows the height the stand-in page reports (auto-height story)', async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(`${base}/iframe.html?id=tenantdashboard--auto-height&viewMode=story`);
      await page.waitForFunction(
        () => /^\d+px$/.test(document.querySelector('iframe')?.style.height ?? ''),
        null,
        {
          timeout: 15_000,
        },
      );
      const height = await page.$eval('iframe', (el) => parseInt((el as HTMLIFrameElement).style.height, 10));
      expect(height).toBeGreaterThan(600);
    } finally {
      await page.close();
    }
  });
});
