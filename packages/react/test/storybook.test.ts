// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@tenantdash/test-utils';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const staticDir = join(root, 'storybook-static');
const artifacts = join(root, 'artifacts', 'storybook');

/** What each story settles into in a real browser, with the msw service worker answering token requests. */
const STATES: Record<string, string> = {
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
const ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'tenant-disabled',
  'tenant-not-found',
  'dashboard-not-found',
  'rate-limited',
  'network-error',
  'invalid-response',
  'config-invalid',
  'embed-error',
  'token-fetch-failed',
  'token-expired',
];
const STORIES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(STATES).map(([id, state]) => [`tenantdashboard--${id}`, state])),
  ...Object.fromEntries(
    ERROR_CODES.map((id) => [
      `tenantdashboard-error-codes--${id}`,
      id === 'token-expired' ? 'expired' : 'error',
    ]),
  ),
};

/** Props of `<TenantDashboard>` the Docs table must list (it may list more as the component grows). */
const PROPS = [
  'tenantId',
  'dashboardId',
  'title',
  'sandbox',
  'allow',
  'referrerPolicy',
  'className',
  'style',
  'autoHeight',
  'onLoad',
  'onError',
  'onTokenRefresh',
  'renderLoading',
  'renderError',
  'renderExpired',
  'userKey',
  'tokenUrl',
  'getHeaders',
  'credentials',
  'fetchToken',
  'refreshMarginMs',
  'maxRetries',
  'workspaceId',
  'embedBaseUrl',
  'enabled',
  'debug',
  'now',
  'queryClient',
];
/** Defaults as the Docs table must show them: what the component really does when the prop is left out. */
const DEFAULTS: Record<string, string> = {
  title: '"Analytics dashboard"',
  sandbox: '"allow-scripts allow-same-origin allow-popups"',
  allow: '"fullscreen"',
  referrerPolicy: '"strict-origin-when-cross-origin"',
  autoHeight: 'true',
  enabled: 'true',
  debug: 'false',
  tokenUrl: '"/api/v1/dashboards/iframe-token"',
  credentials: '"same-origin"',
  maxRetries: '3',
  refreshMarginMs: '300000 (5 minutes; less for short-lived tokens)',
  embedBaseUrl: '"https://papermap.ai/embedded/dashboard"',
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
let buildOutput = '';

// The static build is part of the tests (what CI ships to designers): offline, telemetry off, and quiet.
beforeAll(async () => {
  const build = spawnSync('node_modules/.bin/storybook', ['build', '--quiet', '-o', 'storybook-static'], {
    cwd: root,
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
    encoding: 'utf8',
  });
  buildOutput = `${build.stdout}${build.stderr}`;
  if (build.status !== 0) throw new Error(`storybook build failed:\n${buildOutput}`);
  mkdirSync(artifacts, { recursive: true });
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
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

interface Finished {
  storyId: string;
  status: string;
  /** What the play function threw: outside a test runner Storybook logs it and still reports `success`. */
  playError: string | null;
  /** axe's rule ids: violations fail; `incomplete` are checks it could not decide (shown in the panel too). */
  a11y: { status: string; violations: string[]; incomplete: string[] } | undefined;
}

/**
 * Opens a story the way Storybook's preview does (loaders, decorators, play function, then the a11y addon's
 * axe run) and returns what Storybook reported when it finished, with the page still open.
 */
async function openStory(
  id: string,
  query = '',
): Promise<{ page: Page; finished: Finished; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // The preview's channel is created at start-up: listen from the moment it exists, so no event is missed.
  await page.addInitScript(() => {
    const w = window as unknown as { __finished: unknown[]; __playErrors: string[] };
    w.__finished = [];
    w.__playErrors = [];
    let channel: unknown;
    Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
      configurable: true,
      get: () => channel,
      set: (value: { on: (event: string, listener: (e: unknown) => void) => void }) => {
        channel = value;
        value.on('storyFinished', (event) => w.__finished.push(event));
        value.on('playFunctionThrewException', (error) =>
          w.__playErrors.push(String((error as { message?: string }).message ?? error)),
        );
      },
    });
  });
  await page.goto(`${base}/iframe.html?id=${id}&viewMode=story${query}`);
  const handle = await page.waitForFunction(
    () => {
      type Rule = { id: string };
      type Report = { type: string; status: string; result?: { violations?: Rule[]; incomplete?: Rule[] } };
      const w = window as unknown as {
        __finished: { storyId: string; status: string; reporters: Report[] }[];
        __playErrors: string[];
      };
      const done = w.__finished[0];
      if (!done) return undefined;
      const a11y = done.reporters.find((r) => r.type === 'a11y');
      return {
        storyId: done.storyId,
        status: done.status,
        playError: w.__playErrors[0] ?? null,
        a11y: a11y && {
          status: a11y.status,
          violations: (a11y.result?.violations ?? []).map((v) => v.id),
          incomplete: (a11y.result?.incomplete ?? []).map((v) => v.id),
        },
      };
    },
    null,
    { timeout: 30_000 },
  );
  return { page, finished: (await handle.jsonValue()) as Finished, errors };
}

describe('static Storybook build', () => {
  it('prints no warning, only what Storybook did', () => {
    const lines = buildOutput.split('\n').filter((line) => line.trim() !== '');
    expect(lines.filter((line) => /warn|▲|\(!\)|MODULE_LEVEL_DIRECTIVE|skipping docgen/i.test(line))).toEqual(
      [],
    );
    expect(lines.length).toBeLessThanOrEqual(25);
  });

  it('holds every story, the docs page, the msw worker and the stand-in page; no onboarding', () => {
    for (const file of ['index.html', 'iframe.html', 'mockServiceWorker.js', 'dashboard.html']) {
      expect(existsSync(join(staticDir, file)), file).toBe(true);
    }
    const index = JSON.parse(readFileSync(join(staticDir, 'index.json'), 'utf8')) as {
      entries: Record<string, { type: string }>;
    };
    const ids = Object.keys(index.entries).filter((id) => index.entries[id]?.type === 'story');
    expect(ids.sort()).toEqual(Object.keys(STORIES).sort());
    expect(index.entries['tenantdashboard--docs']?.type).toBe('docs');
    // The manager reads these flags in dev mode as in the static build: no checklist, no guide.
    const html = readFileSync(join(staticDir, 'index.html'), 'utf8');
    expect(html).toMatch(/"sidebarOnboardingChecklist":\s*false/);
    expect(html).toMatch(/"menuOnboardingChecklist":\s*false/);
  });
});

describe('every story in Chromium', () => {
  it.each(Object.entries(STORIES))(
    '%s: its play function passes, axe finds no violation, the note shows %s',
    async (id, state) => {
      const { page, finished, errors } = await openStory(id);
      try {
        expect(finished).toEqual({
          storyId: id,
          status: 'success',
          playError: null,
          a11y: { status: 'passed', violations: [], incomplete: [] },
        });
        const shown = await page.$$eval('.tenantdash', (roots) => [
          ...new Set(roots.map((r) => r.getAttribute('data-state'))),
        ]);
        expect(shown).toEqual([state]);
        expect(await page.getByTestId('review-state').textContent()).toBe(`data-state: ${state}`);
        if (state === 'ready' || state === 'refreshing' || state === 'refresh-failed') {
          // The stand-in page really loaded inside the frame, from the static build, with its token.
          const token = page.frameLocator('iframe').first().locator('#token');
          expect(await token.textContent({ timeout: 15_000 })).toMatch(/^token …/);
        }
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});

describe('what a designer sees', () => {
  it('the built-in states use the product font, not the browser default serif', async () => {
    for (const id of ['tenantdashboard--expired', 'tenantdashboard-error-codes--forbidden']) {
      const { page } = await openStory(id);
      try {
        const font = await page.$eval('.tenantdash [role="alert"]', (el) => getComputedStyle(el).fontFamily);
        expect(font.startsWith('system-ui')).toBe(true);
      } finally {
        await page.close();
      }
    }
  });

  it('tells ready, refreshing and refresh-failed apart: each outlined in its own colour', async () => {
    const colours: string[] = [];
    for (const id of ['loaded', 'refreshing', 'refresh-failed']) {
      const { page } = await openStory(`tenantdashboard--${id}`);
      try {
        colours.push(await page.$eval('.review-canvas', (el) => getComputedStyle(el).outlineColor));
        await page.screenshot({ path: join(artifacts, `${id}.png`) });
      } finally {
        await page.close();
      }
    }
    expect(colours).toEqual(['rgb(21, 128, 61)', 'rgb(29, 78, 216)', 'rgb(180, 83, 9)']);
  });

  it('several dashboards: each tenant its own figures; the same dashboard twice, the same figures', async () => {
    const { page } = await openStory('tenantdashboard--several-dashboards');
    try {
      const frames = page.locator('.tenantdash iframe');
      const shown: string[] = [];
      for (let i = 0; i < 4; i++) {
        const inner = frames.nth(i).contentFrame();
        await inner.locator('#token').waitFor();
        shown.push(
          `${await inner.locator('#title').textContent()} ${await inner.locator('#tiles').textContent()}`,
        );
      }
      expect(shown[0]).toMatch(/^Acme · Revenue Revenue\$[\d,]+Orders[\d,]+Churn[\d.]+%$/);
      expect(shown[1]).toBe(shown[0]);
      expect(shown[2]).toMatch(/^Globex · Orders /);
      expect(shown[3]).toMatch(/^Initech · Churn /);
      expect(new Set(shown.map((s) => s.replace(/^\S+ · \S+ /, ''))).size).toBe(3);
      // The chart line spans its card edge to edge.
      const span = await frames
        .nth(2)
        .contentFrame()
        .locator('#chart')
        .evaluate((svg) => {
          const line = (svg as SVGSVGElement).querySelector('polyline')!.getBoundingClientRect();
          const card = svg.getBoundingClientRect();
          return [Math.round(line.left - card.left), Math.round(card.right - line.right)];
        });
      expect(span).toEqual([0, 0]);
      await page.screenshot({ path: join(artifacts, 'several-dashboards.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('the stand-in page fits its frame: no inner scrollbar, the footer in view', async () => {
    // Loaded: the default 600 px frame at full width; custom-theme: a 420 px frame 720 px wide.
    for (const id of ['tenantdashboard--loaded', 'tenantdashboard--custom-theme']) {
      const { page } = await openStory(id);
      try {
        const inner = page.locator('.tenantdash iframe').contentFrame();
        await inner.locator('#token').waitFor();
        const fit = await inner
          .locator('html')
          .evaluate((html) => ({ overflow: html.scrollHeight - html.clientHeight, width: html.clientWidth }));
        expect(fit.width, id).toBeGreaterThan(600);
        expect(fit.overflow, id).toBe(0);
      } finally {
        await page.close();
      }
    }
  });

  it('follows the height the stand-in page reports (auto-height story)', async () => {
    const { page } = await openStory('tenantdashboard--auto-height');
    try {
      await page.waitForFunction(() => /^\d+px$/.test(document.querySelector('iframe')?.style.height ?? ''));
      const height = await page.$eval('iframe', (el) => parseInt((el as HTMLIFrameElement).style.height, 10));
      expect(height).toBeGreaterThan(600);
    } finally {
      await page.close();
    }
  });

  it('the Docs page documents every prop: description, type and default from the types', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${base}/iframe.html?id=tenantdashboard--docs&viewMode=docs`);
      const rows = page.locator('table.docblock-argstable tbody tr');
      await rows.first().waitFor({ timeout: 30_000 });
      const table = await rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = [...tr.querySelectorAll(':scope > td')];
          const [about, type] = [...(cells[1]?.querySelectorAll(':scope > div') ?? [])];
          return {
            name: cells[0]?.textContent?.replace(/\*$/, '') ?? '',
            description: about?.textContent?.trim() ?? '',
            type: (type ?? about)?.textContent?.trim() ?? '',
            default: cells[2]?.textContent?.trim() ?? '',
          };
        }),
      );
      const byName = Object.fromEntries(table.map((row) => [row.name, row]));
      expect(Object.keys(byName)).toEqual(expect.arrayContaining(PROPS));
      for (const row of table) {
        expect(row.description, `${row.name}: description`).not.toBe('');
        expect(row.type, `${row.name}: type`).not.toBe('');
        expect(row.default, `${row.name}: default`).not.toBe(row.name === 'tenantId' ? 'none' : '-');
      }
      expect(
        Object.fromEntries(Object.entries(DEFAULTS).map(([name]) => [name, byName[name]?.default])),
      ).toEqual(DEFAULTS);
      expect(byName.tenantId?.type).toBe('string');
      expect(byName.autoHeight?.type).toBe('boolean');
    } finally {
      await page.close();
    }
  });

  it('the Docs page shows each story whole in its frame (the Loaded and Several Dashboards stories)', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${base}/iframe.html?id=tenantdashboard--docs&viewMode=docs`);
      for (const id of ['tenantdashboard--loaded', 'tenantdashboard--several-dashboards']) {
        const story = page.locator(`#anchor--${id}`);
        await story.scrollIntoViewIfNeeded({ timeout: 30_000 });
        const frame = story.locator('iframe').contentFrame();
        await frame.locator('.tenantdash[data-state="ready"]').first().waitFor({ timeout: 15_000 });
        const overflow = await frame
          .locator('html')
          .evaluate((html) => [html.scrollHeight - html.clientHeight, html.scrollWidth - html.clientWidth]);
        expect(overflow, id).toEqual([0, 0]);
      }
    } finally {
      await page.close();
    }
  });

  it('controls change the component: tenantId and title set from the URL reach the frame', async () => {
    const { page, finished } = await openStory(
      'tenantdashboard--loaded',
      '&args=tenantId:globex;title:Globex+sales',
    );
    try {
      expect([finished.status, finished.playError]).toEqual(['success', null]);
      const frame = page.locator('.tenantdash iframe');
      expect(await frame.getAttribute('title')).toBe('Globex sales');
      expect(await frame.contentFrame().locator('#tenant').textContent()).toBe('Tenant: globex');
    } finally {
      await page.close();
    }
  });
});
