/**
 * The whole kit in real Chromium: sandbox (local Papermap), token server and the demo host app, each a child
 * process on a free port with throw-away SQLite files, started in beforeAll and stopped by PID in afterAll.
 * Embed tokens live 60 s here, so several refreshes and an expiry happen within the run: the component
 * refreshes a quarter of the lifetime ahead (at 45 s), and a refresh that fails (retries after 1, 2 and 4 s)
 * gives up while the old token is still valid, so the refresh-failed state is there to be seen.
 * Screenshots of every step go to apps/demo/artifacts/ (gitignored), with the servers' logs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeEmbedToken } from '@tenantdash/core';
import { DEFAULT_ERROR_MESSAGES } from '@tenantdash/react';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_STACK_DEFAULTS,
  demoUrl,
  freePort,
  sandboxUrl,
  serverUrl,
  startServer,
  startStack,
  type ChildProcessHandle,
  type StackSettings,
} from '../scripts/stack.mjs';
import { CHROMIUM_LAUNCH } from '../scripts/in-process-stack.mjs';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = join(demoDir, 'artifacts');
const TTL_SECONDS = 60;

const logs: string[] = [];
const log = (name: string, line: string) =>
  logs.push(`${new Date().toISOString()} ${name.padEnd(7)} | ${line}`);
const procs: ChildProcessHandle[] = [];
let settings: StackSettings;
let seeded: Record<string, string> = {};
let browser: Browser | undefined;
let stopStack: (() => Promise<void>) | undefined;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  settings = {
    ...DEMO_STACK_DEFAULTS,
    sandboxPort: await freePort(),
    serverPort: await freePort(),
    demoPort: await freePort(),
    dataDir: mkdtempSync(join(tmpdir(), 'tenantdash-demo-e2e-')),
    embedTokenTtlSeconds: TTL_SECONDS,
    // Other packages may be rebuilt while this runs: no hot reload of the page under test.
    hmr: false,
  };
  const stack = await startStack(settings, log);
  procs.push(stack.procs.sandbox, stack.procs.server, stack.procs.demo);
  stopStack = stack.stop;
  seeded = stack.seeded;
  browser = await chromium.launch(CHROMIUM_LAUNCH);
  // Let Vite pre-bundle its dependencies once, before any test page depends on it.
  const page = await browser.newPage();
  await page.goto(demoUrl(settings));
  await page.getByRole('heading', { name: 'Sign in to Acme Analytics' }).waitFor({ timeout: 60_000 });
  await page.close();
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stopStack?.();
  // Whatever else was started (a restarted token server), stopped by PID too.
  for (const proc of procs) await proc.stop();
  writeFileSync(join(artifacts, 'e2e-servers.log'), `${logs.join('\n')}\n`);
  if (settings?.dataDir) rmSync(settings.dataDir, { recursive: true, force: true });
}, 60_000);

// Each test's pages go away with it, so no earlier page keeps fetching tokens during a later test.
const contexts: BrowserContext[] = [];
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
});

async function newPage(viewport = { width: 1360, height: 1000 }): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') log('browser', `console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => log('browser', `page error: ${error.message}`));
  return page;
}

let shot = 0;
async function screenshot(page: Page, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({
    path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

async function signIn(page: Page, who: { email: string } | { tenantId: string }): Promise<void> {
  await page.goto(demoUrl(settings));
  if ('email' in who) {
    await page.getByRole('button', { name: new RegExp(who.email.replace('.', '\\.')) }).click();
  } else {
    await page.getByLabel('Or sign in as a user of tenant').fill(who.tenantId);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  await page.getByTestId('signed-in-as').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Acme Analytics' }).waitFor();
}

const frameRoot = (page: Page) => page.frameLocator('.tenantdash iframe').locator('main#td-root');

/** Waits until the frame shows a dashboard (not the sandbox's error page) and returns what it shows. */
async function shownDashboard(page: Page, timeout = 30_000) {
  await page
    .frameLocator('.tenantdash iframe')
    .locator('html[data-embed-status="ok"]')
    .waitFor({ state: 'attached', timeout });
  const root = frameRoot(page);
  return { tenant: await root.getAttribute('data-tenant'), title: await root.locator('h1').textContent() };
}

async function iframeToken(page: Page) {
  const src = await page.locator('.tenantdash iframe').getAttribute('src');
  const token = new URL(src ?? 'about:blank').searchParams.get('embedded-token');
  if (!token) throw new Error('the iframe has no embed token');
  return decodeEmbedToken(token);
}

async function sessionToken(page: Page): Promise<string> {
  const text = await page.evaluate(() => sessionStorage.getItem('acme-analytics-session'));
  return (JSON.parse(text ?? '{}') as { token: string }).token;
}

/** Calls the token server from inside the page (through the demo's same-origin proxy), as a user could. */
async function callFromPage(page: Page, path: string, init: { method?: string; body?: unknown } = {}) {
  return page.evaluate(
    async ({ path, init }) => {
      const stored = JSON.parse(sessionStorage.getItem('acme-analytics-session') ?? '{}') as {
        token?: string;
      };
      const answer = await fetch(`/api/v1${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${stored.token ?? ''}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: answer.status, body: (await answer.json()) as { code?: string; token?: string } };
    },
    { path, init },
  );
}

/** Records every value the component's `data-state` takes from now on. */
async function recordStates(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const target = document.querySelector('.tenantdash');
    const seen: string[] = [];
    (window as unknown as { __states: string[] }).__states = seen;
    if (!target) return;
    new MutationObserver(() => seen.push(target.getAttribute('data-state') ?? '')).observe(target, {
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
  return () => page.evaluate(() => (window as unknown as { __states: string[] }).__states);
}

/** Records every countdown the token panel shows ("in N s") from now on, as numbers. */
async function recordCountdowns(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __countdowns: number[] }).__countdowns = seen;
    const read = () => {
      for (const id of ['token-expires', 'token-next-refresh']) {
        const match = /in (\d+) s/.exec(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '');
        if (match) seen.push(Number(match[1]));
      }
    };
    read();
    const panel = document.querySelector('.token-panel');
    if (panel)
      new MutationObserver(read).observe(panel, { subtree: true, characterData: true, childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { __countdowns: number[] }).__countdowns);
}

/** Page (and, when given, the dashboard frame) no wider than the viewport: nothing to scroll sideways. */
async function overflow(page: Page, withFrame: boolean) {
  const measure = () => {
    const el = document.documentElement;
    return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
  };
  return {
    page: await page.evaluate(measure),
    frame: withFrame
      ? await page.frameLocator('.tenantdash iframe').locator('html').evaluate(measure)
      : undefined,
  };
}

/** How many lines an element's text takes (a wrapped value takes more than one). */
const lineCount = (el: Element) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const line = range.getClientRects()[0]?.height ?? 1;
  return Math.round(range.getBoundingClientRect().height / line);
};

/**
 * A full-page screenshot with the viewport stretched to the page first: Chromium paints a cross-origin frame
 * below the fold blank otherwise.
 */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  if (!viewport) return screenshot(page, name);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  try {
    await screenshot(page, name);
  } finally {
    await page.setViewportSize(viewport);
  }
}

const counter = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .textContent()
    .then((text) => Number(text));

describe('the demo in Chromium', () => {
  it("tenant A (alice@northwind) sees northwind's dashboard from the sandbox", async () => {
    const page = await newPage();
    await page.goto(demoUrl(settings));
    await page.getByRole('heading', { name: 'Sign in to Acme Analytics' }).waitFor();
    await screenshot(page, 'sign-in');
    await signIn(page, { email: 'alice@northwind.test' });
    expect(await shownDashboard(page)).toEqual({ tenant: 'northwind', title: 'Northwind sales' });
    const claims = await iframeToken(page);
    expect(claims.tenant_id).toBe('northwind');
    expect(claims.dashboard_id).toBe(seeded.northwind);
    expect(claims.workspace_id).toBe('ws_demo');
    expect(await page.getByTestId('dashboard-id').textContent()).toBe(seeded.northwind);
    expect(await page.getByTestId('tenant-table').count()).toBe(0);
    await screenshot(page, 'tenant-a-northwind');
    await signOut(page);
  });

  it("tenant B (bob@contoso) sees contoso's and cannot get northwind's token through the UI or the API", async () => {
    const page = await newPage();
    await signIn(page, { email: 'bob@contoso.test' });
    expect(await shownDashboard(page)).toEqual({ tenant: 'contoso', title: 'Contoso operations' });
    expect((await iframeToken(page)).tenant_id).toBe('contoso');
    // No admin controls, no tenant switcher for a tenant user.
    expect(await page.getByTestId('tenant-table').count()).toBe(0);
    expect(await page.getByRole('combobox').count()).toBe(0);
    await screenshot(page, 'tenant-b-contoso');

    // From the page, with bob's own session, through the same-origin proxy.
    expect(
      await callFromPage(page, '/dashboards/iframe-token', {
        method: 'POST',
        body: { tenant_id: 'northwind' },
      }),
    ).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'TENANT_NOT_FOUND' }),
    });
    const foreign = await callFromPage(page, '/dashboards/iframe-token', {
      method: 'POST',
      body: { tenant_id: 'contoso', dashboard_id: seeded.northwind },
    });
    expect(foreign).toEqual({ status: 404, body: expect.objectContaining({ code: 'DASHBOARD_NOT_FOUND' }) });
    expect(foreign.body.token).toBeUndefined();
    expect((await callFromPage(page, '/dashboards?tenant_id=northwind')).body.code).toBe('TENANT_NOT_FOUND');
    expect(await callFromPage(page, '/tenants')).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'FORBIDDEN' }),
    });
    expect(await callFromPage(page, '/tenants/northwind/disable', { method: 'POST' })).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'FORBIDDEN' }),
    });

    // Directly at the token server, bypassing the demo.
    const bobJwt = await sessionToken(page);
    const direct = async (body: unknown, authorization?: string) => {
      const answer = await fetch(`${serverUrl(settings)}/api/v1/dashboards/iframe-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      });
      return { status: answer.status, body: (await answer.json()) as { code?: string; token?: string } };
    };
    expect(await direct({ tenant_id: 'northwind' }, `Bearer ${bobJwt}`)).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'TENANT_NOT_FOUND' }),
    });
    expect(
      await direct({ tenantId: 'northwind', dashboardId: seeded.northwind }, `Bearer ${bobJwt}`),
    ).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'TENANT_NOT_FOUND' }),
    });
    expect(await direct({ tenant_id: 'northwind' })).toEqual({
      status: 401,
      body: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
    });
    // Sanity: the same call for bob's own tenant works, so the refusals above are about the tenant.
    const own = await direct({ tenant_id: 'contoso' }, `Bearer ${bobJwt}`);
    expect(own.status).toBe(200);
    expect(decodeEmbedToken(own.body.token ?? '').tenant_id).toBe('contoso');
    await signOut(page);
  });

  it('the admin sees usage, disables and enables a tenant, provisions a new one, and its user sees it', async () => {
    const page = await newPage();
    await signIn(page, { email: 'ada@acme-analytics.test' });
    const table = page.getByTestId('tenant-table');
    await table.locator('tr[data-tenant="contoso"]').waitFor();
    await table.locator('tr[data-tenant="northwind"]').waitFor();
    // Alice and Bob opened their dashboards: the sandbox charged those views to their tenants.
    await page.getByTestId('usage-chart').locator('g[data-tenant="northwind"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('usage-chart').locator('g[data-tenant="contoso"]').waitFor();
    expect((await shownDashboard(page)).tenant).toBe(
      await page.getByTestId('admin-current-tenant').textContent(),
    );
    await screenshot(page, 'admin-overview-usage');

    const contoso = table.locator('tr[data-tenant="contoso"]');
    await contoso.getByRole('button', { name: 'contoso' }).click();
    expect((await shownDashboard(page)).tenant).toBe('contoso');
    // Recent issuance, read from the token server's audit API: the token just minted for the admin's own view
    // of contoso is listed under her subject, by its hash.
    const issuance = page.getByTestId('recent-issuance');
    await issuance.getByRole('heading', { name: 'Embed tokens issued for contoso' }).waitFor();
    await issuance
      .getByTestId('issuance')
      .filter({ hasText: 'user:ada@acme-analytics.test' })
      .first()
      .waitFor();
    expect(await issuance.getByTestId('issuance-day').textContent()).toMatch(
      /^\d+ in the last 24 hours, to /,
    );
    await contoso.getByRole('button', { name: 'Disable' }).click();
    await contoso.getByText('disabled', { exact: true }).waitFor();
    // The tenant on screen stays on screen, shown as disabled, its dashboard down at once.
    await page.getByTestId('tenant-disabled-notice').waitFor();
    expect(await page.getByTestId('admin-current-tenant').textContent()).toBe('contoso');
    await page.locator('.tenantdash [role="alert"][data-code="TENANT_DISABLED"]').waitFor();
    expect(await page.getByTestId('dashboard-state').textContent()).toBe('Tenant disabled');
    await screenshot(page, 'admin-contoso-disabled');
    const bob = await fetch(`${demoUrl(settings)}/demo-identity/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bob@contoso.test' }),
    }).then((answer) => answer.json() as Promise<{ token: string }>);
    const refused = await fetch(`${serverUrl(settings)}/api/v1/dashboards/iframe-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bob.token}` },
      body: JSON.stringify({ tenant_id: 'contoso' }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'TENANT_DISABLED' });
    await contoso.getByRole('button', { name: 'Enable' }).click();
    await contoso.getByText('active', { exact: true }).waitFor();
    expect((await shownDashboard(page)).tenant).toBe('contoso');
    expect(await page.getByTestId('tenant-disabled-notice').count()).toBe(0);

    await page.getByLabel('Tenant id').fill('fabrikam');
    await page.getByLabel('Dashboard name').fill('Fabrikam overview');
    await page.getByRole('button', { name: 'Provision' }).click();
    await page.getByTestId('provisioned').waitFor();
    await table.locator('tr[data-tenant="fabrikam"]').waitFor();
    expect(await page.getByTestId('admin-current-tenant').textContent()).toBe('fabrikam');
    expect(await shownDashboard(page)).toEqual({ tenant: 'fabrikam', title: 'Fabrikam overview' });
    await screenshot(page, 'admin-provisioned-fabrikam');
    await signOut(page);

    await signIn(page, { tenantId: 'fabrikam' });
    expect(await shownDashboard(page)).toEqual({ tenant: 'fabrikam', title: 'Fabrikam overview' });
    expect((await iframeToken(page)).tenant_id).toBe('fabrikam');
    await screenshot(page, 'new-tenant-user-fabrikam');
  }, 90_000);

  it.each([1280, 390])(
    'looks finished at %i px: no sideways scrolling, a favicon, the token panel and usage chart in full',
    async (width) => {
      const page = await newPage({ width, height: 900 });
      const missing: string[] = [];
      page.on('response', (response) => {
        if (response.status() === 404) missing.push(response.url());
      });
      await page.goto(demoUrl(settings));
      await page.getByRole('heading', { name: 'Sign in to Acme Analytics' }).waitFor();
      expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
      const icon = await fetch(`${demoUrl(settings)}/favicon.svg`);
      expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
      expect(await overflow(page, false)).toEqual({
        page: { scrollWidth: width, clientWidth: width },
        frame: undefined,
      });
      await fullScreenshot(page, `${width}px-sign-in`);

      await signIn(page, { email: 'alice@northwind.test' });
      expect((await shownDashboard(page)).tenant).toBe('northwind');
      await page.getByTestId('dashboard-state').filter({ hasText: 'Ready' }).waitFor();
      const frameWidth = await page.locator('.tenantdash iframe').evaluate((el) => el.clientWidth);
      expect(await overflow(page, true)).toEqual({
        page: { scrollWidth: width, clientWidth: width },
        frame: { scrollWidth: frameWidth, clientWidth: frameWidth },
      });
      // Each value on one line: "12:00:00 in 58 s", never wrapped inside the countdown.
      for (const id of ['token-expires', 'token-next-refresh']) {
        const moment = page.getByTestId(id).locator('.moment');
        expect(await moment.textContent()).toMatch(/^\d\d:\d\d:\d\d in \d+ s$/);
        expect(await moment.evaluate(lineCount)).toBe(1);
      }
      expect(await page.getByTestId('dashboard-id').evaluate(lineCount)).toBe(1);
      await fullScreenshot(page, `${width}px-tenant-home`);
      await signOut(page);

      await signIn(page, { email: 'ada@acme-analytics.test' });
      const chart = page.getByTestId('usage-chart');
      await chart.locator('g[data-tenant="northwind"] rect').first().waitFor({ timeout: 30_000 });
      await shownDashboard(page);
      // A month axis ending with this month, a credits axis with its unit, a legend with totals.
      const now = new Date();
      const period = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const periods = await chart
        .locator('text.chart-period')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-period')));
      expect(periods).toHaveLength(6);
      expect(periods.at(-1)).toBe(period);
      expect(await chart.locator('text.chart-unit').textContent()).toBe('credits');
      expect(await chart.locator('text.chart-axis').first().textContent()).toBe('0');
      const legend = page.getByRole('list', { name: 'Totals per tenant' }).getByRole('listitem');
      const northwind = (await legend.filter({ hasText: 'northwind' }).textContent()) ?? '';
      const [, credits, requests] = /^northwind (\d+ credits?) · (\d+ requests?)$/.exec(northwind) ?? [];
      expect(credits).toBeDefined();
      // The tooltip names tenant, month, credits and requests: the same as the legend in a one-month run.
      const month = new Date().toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
      const bar = chart.locator(`g[data-tenant="northwind"] rect[data-period="${period}"]`);
      await bar.hover();
      expect(await page.getByTestId('usage-tooltip').textContent()).toBe(
        `northwind · ${month} ${now.getUTCFullYear()}${credits} · ${requests}`,
      );
      expect(await bar.getAttribute('aria-label')).toBe(
        `northwind, ${month} ${now.getUTCFullYear()}: ${credits}, ${requests}`,
      );
      const adminFrame = await page.locator('.tenantdash iframe').evaluate((el) => el.clientWidth);
      expect(await overflow(page, true)).toEqual({
        page: { scrollWidth: width, clientWidth: width },
        frame: { scrollWidth: adminFrame, clientWidth: adminFrame },
      });
      await fullScreenshot(page, `${width}px-admin`);
      await signOut(page);
      expect(missing).toEqual([]);
    },
    90_000,
  );

  it('another user signing in on the same tab gets a token of their own, never the previous one', async () => {
    const page = await newPage();
    const tokenCalls: { authorization: string | undefined; token: string }[] = [];
    page.on('response', async (response) => {
      if (!response.url().endsWith('/api/v1/dashboards/iframe-token') || response.status() !== 200) return;
      const body = (await response.json()) as { token: string };
      tokenCalls.push({ authorization: response.request().headers().authorization, token: body.token });
    });
    await signIn(page, { email: 'alice@northwind.test' });
    expect((await shownDashboard(page)).tenant).toBe('northwind');
    const alice = `Bearer ${await sessionToken(page)}`;
    await signOut(page);
    const before = tokenCalls.length;
    // Someone else, on the same tab, for the same tenant (whose token Alice's would have opened).
    await signIn(page, { tenantId: 'northwind' });
    expect((await shownDashboard(page)).tenant).toBe('northwind');
    const other = `Bearer ${await sessionToken(page)}`;
    expect(other).not.toBe(alice);
    const after = tokenCalls.slice(before);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.every((call) => call.authorization === other)).toBe(true);
    // The frame shows the token minted for the new user's request.
    const src = await page.locator('.tenantdash iframe').getAttribute('src');
    expect(after.map((call) => call.token)).toContain(
      new URL(src ?? 'about:blank').searchParams.get('embedded-token'),
    );
    await signOut(page);
  });

  it('disabling a tenant takes its open dashboard down at the next refresh, with the disabled message', async () => {
    const page = await newPage();
    await signIn(page, { email: 'alice@northwind.test' });
    expect((await shownDashboard(page)).tenant).toBe('northwind');
    const admin = (action: 'disable' | 'enable') =>
      fetch(`${serverUrl(settings)}/api/v1/tenants/northwind/${action}`, {
        method: 'POST',
        headers: { 'x-admin-key': settings.adminApiKey },
      });
    expect((await admin('disable')).status).toBe(200);
    try {
      // The next refresh (a quarter of the 60 s lifetime ahead) is refused: the dashboard goes at once.
      const alert = page.locator(
        '.tenantdash[data-state="error"] [role="alert"][data-code="TENANT_DISABLED"]',
      );
      await alert.waitFor({ timeout: (TTL_SECONDS + 10) * 1000 });
      // The component's own default text for the code (what the end user reads).
      expect(await alert.locator('p').textContent()).toBe(DEFAULT_ERROR_MESSAGES.TENANT_DISABLED);
      expect(await page.locator('.tenantdash iframe').count()).toBe(0);
      expect(await page.getByTestId('last-error').textContent()).toBe('TENANT_DISABLED');
      expect(await page.getByTestId('dashboard-state').textContent()).toBe('Tenant disabled');
      await screenshot(page, 'tenant-disabled-dashboard-down');
    } finally {
      expect((await admin('enable')).status).toBe(200);
    }
    await page.locator('.tenantdash').getByRole('button', { name: 'Try again' }).click();
    expect((await shownDashboard(page)).tenant).toBe('northwind');
    // Recovered: the panel says so, and the error it showed is gone.
    await page.getByTestId('dashboard-state').filter({ hasText: 'Ready' }).waitFor();
    expect(await page.getByTestId('last-error').textContent()).toBe('none');
  }, 120_000);

  it('keeps the dashboard on screen across several token refreshes without reloading the frame', async () => {
    const page = await newPage();
    let frameNavigations = 0;
    let tokenRequests = 0;
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame() && frame.url().includes('/embedded/dashboard')) frameNavigations += 1;
    });
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/dashboards/iframe-token')) tokenRequests += 1;
    });
    await signIn(page, { email: 'bob@contoso.test' });
    await shownDashboard(page);
    const states = await recordStates(page);
    const countdowns = await recordCountdowns(page);
    const firstToken = await iframeToken(page);
    const requestsBefore = tokenRequests;
    // With 60 s tokens a refresh comes ~45 s after each token arrives.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="refresh-count"]')?.textContent) >= 3,
      undefined,
      // Generous: three refreshes take about 135 s.
      { timeout: 200_000, polling: 250 },
    );
    const refreshes = await counter(page, 'refresh-count');
    expect(await shownDashboard(page)).toEqual({ tenant: 'contoso', title: 'Contoso operations' });
    expect(await page.getByTestId('last-error').textContent()).toBe('none');
    const seen = await states();
    expect(seen.filter((state) => !['ready', 'refreshing'].includes(state))).toEqual([]);
    // One token request per refresh (one more may be in flight): no fetch storm.
    expect(tokenRequests - requestsBefore).toBeLessThanOrEqual(refreshes + 1);
    // The message extension took every new token: one page load, the first token still in the src.
    expect(frameNavigations).toBe(1);
    expect(await counter(page, 'frame-loads')).toBe(1);
    expect(await iframeToken(page)).toEqual(firstToken);
    const panelDashboard = await page.getByTestId('dashboard-id').textContent();
    expect(panelDashboard).toBe(firstToken.dashboard_id);
    // Every countdown shown across the refreshes, right after each new token included, within the lifetime.
    const shown = await countdowns();
    expect(shown.length).toBeGreaterThan(100);
    expect(Math.max(...shown)).toBeLessThanOrEqual(TTL_SECONDS);
    await screenshot(page, 'after-three-refreshes');
  }, 240_000);

  it('survives a token server outage: keeps the dashboard while the token lives, then errors, then recovers', async () => {
    const page = await newPage();
    await signIn(page, { email: 'alice@northwind.test' });
    await shownDashboard(page);
    const server = procs[1];
    if (!server) throw new Error('no token server');
    await server.stop();

    // The next refresh fails, and the dashboard stays on the token it has.
    await page
      .locator('.tenantdash[data-state="refresh-failed"]')
      .waitFor({ timeout: (TTL_SECONDS + 10) * 1000 });
    expect((await shownDashboard(page)).tenant).toBe('northwind');
    expect(await page.getByTestId('last-error').textContent()).toBe('TOKEN_FETCH_FAILED');
    await screenshot(page, 'server-down-dashboard-still-shown');

    // Once the token has expired, the component's own error state.
    await page.locator('.tenantdash[data-state="expired"], .tenantdash[data-state="error"]').waitFor({
      timeout: (TTL_SECONDS + 30) * 1000,
    });
    await page.locator('.tenantdash [role="alert"]').waitFor();
    expect(await page.locator('.tenantdash iframe').count()).toBe(0);
    await screenshot(page, 'server-down-token-expired');

    // Back by itself, without a click, once the server is.
    procs[1] = await startServer(settings, log);
    await page.locator('.tenantdash[data-state="ready"]').waitFor({ timeout: 90_000 });
    expect(await shownDashboard(page)).toEqual({ tenant: 'northwind', title: 'Northwind sales' });
    expect((await iframeToken(page)).valid_until * 1000).toBeGreaterThan(Date.now());
    await page.getByTestId('last-error').filter({ hasText: 'none' }).waitFor();
    await screenshot(page, 'server-back-recovered');
  }, 240_000);

  it('without the message extension (a page that says nothing), refreshes swap the src before expiry, with no error', async () => {
    // 30 s tokens (the server's minimum) for this last test: the page below sends no messages, so no loop.
    await procs[1]?.stop();
    procs[1] = await startServer({ ...settings, embedTokenTtlSeconds: 30 }, log);
    const page = await newPage();
    // What real Papermap documents: an embed page that posts nothing to its host. Strip the sandbox's script.
    await page.route(`${sandboxUrl(settings)}/embedded/dashboard?**`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/<script\b[\s\S]*?<\/script>/g, '');
      await route.fulfill({ response, body });
    });
    let frameNavigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame() && frame.url().includes('/embedded/dashboard')) frameNavigations += 1;
    });
    await signIn(page, { email: 'bob@contoso.test' });
    await shownDashboard(page);
    const states = await recordStates(page);
    const firstToken = await iframeToken(page);
    // Refresh ~7.5 s before expiry, new src ~3.75 s before: two swaps take about a minute.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="frame-loads"]')?.textContent) >= 3,
      undefined,
      { timeout: 100_000, polling: 250 },
    );
    expect(await shownDashboard(page)).toEqual({ tenant: 'contoso', title: 'Contoso operations' });
    expect(frameNavigations).toBeGreaterThanOrEqual(3);
    expect(await counter(page, 'refresh-count')).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('last-error').textContent()).toBe('none');
    expect((await states()).filter((state) => !['ready', 'refreshing'].includes(state))).toEqual([]);
    const current = await iframeToken(page);
    expect(current.tenant_id).toBe('contoso');
    expect(current.valid_until).toBeGreaterThan(firstToken.valid_until);
    await screenshot(page, 'no-extension-after-src-swaps');
  }, 150_000);
});
