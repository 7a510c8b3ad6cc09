// Next.js 16 App Router: `next build` + `next start` of an app that uses the component from a Server Component
// page (through its own 'use client' wrapper) and from a Client Component page, and mints tokens with
// @tenantdash/core in route handlers on the nodejs and the edge runtime.
import { join } from 'node:path';
import { buildEmbedUrl, verifyEmbedToken, type EmbedTokenClaims } from '@tenantdash/core';
import { launchChromium } from '@tenantdash/test-utils';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consoleProblems,
  frameSource,
  openPage,
  shownDashboard,
  waitForReady,
  type WatchedPage,
} from './support/browser.js';
import { matrix } from './support/context.js';
import { installFixture } from './support/fixtures.js';
import { addReadmePages, type ReadmePages } from './support/readme-snippets.js';
import { consumerEnv, runOk, startServer, type Server } from './support/processes.js';
import { userSessionToken } from './support/session.js';

const TOKEN_SERVER_PATH = '/api/v1/dashboards/iframe-token';
const EDGE_ROUTE = '/api/embed-token/edge';
const NODE_ROUTE = '/api/embed-token/node';

describe.sequential('next16: Next.js 16 App Router, production build', () => {
  const ctx = matrix();
  const port = ctx.appPorts.next16;
  const origin = `http://127.0.0.1:${port}`;
  let buildOutput = '';
  let app: Server | undefined;
  let browser: Browser | undefined;
  let readmePages: ReadmePages | undefined;

  beforeAll(async () => {
    const dir = await installFixture(ctx, 'next16');
    readmePages = addReadmePages(dir);
    // Rewrites are fixed at build time; the route handlers read their settings when they run.
    const build = await runOk(ctx.root, 'npm', ['run', 'build'], {
      cwd: dir,
      env: consumerEnv({ TOKEN_SERVER_URL: ctx.serverUrl }),
    });
    buildOutput = `${build.stdout}${build.stderr}`;
    app = await startServer(
      ctx.root,
      [
        join(dir, 'node_modules/next/dist/bin/next'),
        'start',
        '--port',
        String(port),
        '--hostname',
        '127.0.0.1',
      ],
      {
        cwd: dir,
        env: consumerEnv({
          TOKEN_SERVER_URL: ctx.serverUrl,
          EMBED_TENANT_ID: ctx.tenant.tenantId,
          EMBED_DASHBOARD_ID: ctx.tenant.dashboardId,
          PAPERMAP_WORKSPACE_ID: ctx.workspaceId,
          PAPERMAP_API_KEY_ID: ctx.apiKeyId,
          PAPERMAP_SECRET_KEY: ctx.secretKey,
          PAPERMAP_EMBED_URL: `${ctx.sandboxUrl}/embedded/dashboard`,
        }),
        url: `${origin}/client`,
      },
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('next build compiles and type-checks the app without a warning about the packages', () => {
    expect(buildOutput).toContain('✓ Compiled successfully');
    expect(buildOutput).toContain('Finished TypeScript');
    // Next.js 16 warns about any use of the edge runtime (deprecated; that route is here on purpose), and,
    // with CI=true, that a CI machine keeps no build cache: neither is about the packages.
    const warnings = buildOutput
      .split('\n')
      .filter((line) => /⚠|warn|@tenantdash/i.test(line))
      .filter((line) => !/edge runtime|No build cache found/i.test(line));
    expect(warnings).toEqual([]);
  });

  const resolveKey = (secretKey: string) => (id: string) =>
    id === ctx.apiKeyId ? { secretKey, workspaceId: ctx.workspaceId } : undefined;

  it.each([
    { route: NODE_ROUTE, runtime: 'nodejs' },
    { route: EDGE_ROUTE, runtime: 'edge-runtime' },
  ])(
    '$route mints a token with @tenantdash/core that core verifies ($runtime)',
    async ({ route, runtime }) => {
      const before = Math.floor(Date.now() / 1000);
      const answer = await fetch(`${origin}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: ctx.tenant.tenantId }),
      });
      const after = Math.ceil(Date.now() / 1000);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-runtime')).toBe(runtime);
      const body = (await answer.json()) as {
        token: string;
        dashboard_id: string;
        expires_at: number;
        embed_url: string;
      };
      expect(Object.keys(body).sort()).toEqual(['dashboard_id', 'embed_url', 'expires_at', 'token']);
      expect(body.dashboard_id).toBe(ctx.tenant.dashboardId);
      expect(body.expires_at).toBeGreaterThanOrEqual(before + 300);
      expect(body.expires_at).toBeLessThanOrEqual(after + 300);
      expect(body.embed_url).toBe(
        buildEmbedUrl({
          token: body.token,
          workspaceId: ctx.workspaceId,
          dashboardId: ctx.tenant.dashboardId,
          baseUrl: `${ctx.sandboxUrl}/embedded/dashboard`,
        }),
      );
      const claims: EmbedTokenClaims = await verifyEmbedToken(body.token, {
        resolveKey: resolveKey(ctx.secretKey),
      });
      expect(claims).toEqual({
        api_key_id: ctx.apiKeyId,
        workspace_id: ctx.workspaceId,
        tenant_id: ctx.tenant.tenantId,
        dashboard_id: ctx.tenant.dashboardId,
        valid_until: body.expires_at,
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      await expect(
        verifyEmbedToken(body.token, { resolveKey: resolveKey(`${ctx.secretKey}-other`) }),
      ).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

      const foreign = await fetch(`${origin}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: 'someone-else' }),
      });
      expect(foreign.status).toBe(404);
    },
  );

  async function expectDashboard(watched: WatchedPage, tokenPath: string): Promise<void> {
    await waitForReady(watched);
    const { page } = watched;
    expect(await shownDashboard(page)).toEqual({ tenant: ctx.tenant.tenantId, title: ctx.tenant.name });
    expect((await frameSource(page)).page).toBe(`${ctx.sandboxUrl}/embedded/dashboard`);
    expect((await frameSource(page)).claims).toMatchObject({
      tenant_id: ctx.tenant.tenantId,
      dashboard_id: ctx.tenant.dashboardId,
    });
    expect(await page.getByTestId('last-error').textContent()).toBe('none');
    expect(watched.tokenRequests.map((request) => new URL(request.url()).pathname)).toEqual([tokenPath]);
    expect(watched.tokenRequests[0]?.postDataJSON()).toEqual({ tenant_id: ctx.tenant.tenantId });
    expect((await watched.tokenRequests[0]?.response())?.status()).toBe(200);
    expect(consoleProblems(watched)).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
  }

  it('Server Component page: server-renders the loading state, then hydrates and shows the dashboard', async () => {
    if (!browser) throw new Error('not started');
    const html = await fetch(`${origin}/?tenant=${ctx.tenant.tenantId}`).then((answer) => answer.text());
    expect(html).toContain('<h1>Server page</h1>');
    expect(html).toMatch(/<div class="tenantdash"[^>]*data-state="loading"/);
    expect(html).not.toContain('<iframe');

    const watched = await openPage(browser, {
      sessionToken: await userSessionToken(ctx, [ctx.tenant.tenantId]),
      tokenPaths: [TOKEN_SERVER_PATH, EDGE_ROUTE, NODE_ROUTE],
    });
    await watched.page.goto(`${origin}/?tenant=${ctx.tenant.tenantId}`);
    await expectDashboard(watched, TOKEN_SERVER_PATH);
    await watched.page.context().close();
  });

  it('Prefetched page: the token fetched on the server is in the first HTML, and the browser asks for none', async () => {
    if (!browser) throw new Error('not started');
    const jwt = await userSessionToken(ctx, [ctx.tenant.tenantId]);
    const cookie = `session-token=${jwt}; user-id=user-1`;
    const answer = await fetch(`${origin}/prefetched?tenant=${ctx.tenant.tenantId}`, { headers: { cookie } });
    expect(answer.status).toBe(200);
    // One user's token is in this page: a shared cache must never keep it.
    expect(answer.headers.get('cache-control')).toMatch(/private/);
    expect(answer.headers.get('cache-control')).toMatch(/no-store/);
    const html = await answer.text();
    expect(html).toMatch(/<div class="tenantdash"[^>]*data-state="ready"/);
    const src = /<iframe[^>]*src="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(src).toBeDefined();
    expect(new URL(src ?? '').searchParams.get('embedded-token')).toMatch(/^[A-Za-z0-9_=-]+$/);

    const watched = await openPage(browser, {
      sessionToken: jwt,
      tokenPaths: [TOKEN_SERVER_PATH, EDGE_ROUTE, NODE_ROUTE],
    });
    const [host] = origin.replace('http://', '').split(':');
    await watched.page.context().addCookies([
      { name: 'session-token', value: jwt, domain: host ?? '127.0.0.1', path: '/' },
      { name: 'user-id', value: 'user-1', domain: host ?? '127.0.0.1', path: '/' },
    ]);
    await watched.page.goto(`${origin}/prefetched?tenant=${ctx.tenant.tenantId}`);
    await waitForReady(watched);
    expect(await shownDashboard(watched.page)).toEqual({
      tenant: ctx.tenant.tenantId,
      title: ctx.tenant.name,
    });
    expect((await frameSource(watched.page)).claims).toMatchObject({ tenant_id: ctx.tenant.tenantId });
    // Hydrated from the page: no token request from the browser, no hydration message, no error.
    expect(watched.tokenRequests).toEqual([]);
    expect(await watched.page.getByTestId('last-error').textContent()).toBe('none');
    expect(consoleProblems(watched)).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await watched.page.context().close();
  });

  /** A page whose browser carries the signed-in user in cookies (what the READMEs' currentSession() reads). */
  async function signedInPage(): Promise<{ watched: WatchedPage; cookie: string }> {
    if (!browser) throw new Error('not started');
    const jwt = await userSessionToken(ctx, [ctx.tenant.tenantId]);
    const cookies = { 'session-token': jwt, 'user-id': 'user-1', 'org-id': ctx.tenant.tenantId };
    const watched = await openPage(browser, { tokenPaths: [TOKEN_SERVER_PATH, EDGE_ROUTE, NODE_ROUTE] });
    await watched.page
      .context()
      .addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url: origin })));
    const cookie = Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    return { watched, cookie };
  }

  it.each([
    [
      'the React README’s Server Components snippets (page.tsx + its client dashboard.tsx)',
      'serverComponent',
    ],
    ['the root README’s product-team snippet, rendered by a Server Component', 'rootSnippet'],
  ] as const)('%s, verbatim: loading state on the server, then the dashboard', async (_, which) => {
    const path = readmePages?.[which] ?? '';
    const { watched, cookie } = await signedInPage();
    const html = await fetch(`${origin}${path}`, { headers: { cookie } }).then((answer) => answer.text());
    expect(html).toMatch(/<div class="tenantdash"[^>]*data-state="loading"/);
    expect(html).not.toContain('<iframe');

    await watched.page.goto(`${origin}${path}`);
    await waitForReady(watched);
    expect(await shownDashboard(watched.page)).toEqual({
      tenant: ctx.tenant.tenantId,
      title: ctx.tenant.name,
    });
    expect(watched.tokenRequests.map((request) => new URL(request.url()).pathname)).toEqual([
      TOKEN_SERVER_PATH,
    ]);
    expect((await watched.tokenRequests[0]?.response())?.status()).toBe(200);
    expect(consoleProblems(watched)).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await watched.page.context().close();
  });

  it('the React README’s prefetch snippet, verbatim: the iframe in the first HTML, no token request from the browser', async () => {
    const path = readmePages?.prefetched ?? '';
    const { watched, cookie } = await signedInPage();
    const html = await fetch(`${origin}${path}`, { headers: { cookie } }).then((answer) => answer.text());
    expect(html).toMatch(/<div class="tenantdash"[^>]*data-state="ready"/);
    expect(html).toMatch(/<iframe[^>]*src="[^"]*embedded-token=/);

    await watched.page.goto(`${origin}${path}`);
    await waitForReady(watched);
    expect(await shownDashboard(watched.page)).toEqual({
      tenant: ctx.tenant.tenantId,
      title: ctx.tenant.name,
    });
    expect(watched.tokenRequests).toEqual([]);
    expect(consoleProblems(watched)).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await watched.page.context().close();
  });

  it("Client Component page: the edge route's token is accepted by the sandbox", async () => {
    if (!browser) throw new Error('not started');
    const watched = await openPage(browser, { tokenPaths: [TOKEN_SERVER_PATH, EDGE_ROUTE, NODE_ROUTE] });
    await watched.page.goto(`${origin}/client?tenant=${ctx.tenant.tenantId}`);
    await expectDashboard(watched, EDGE_ROUTE);
    expect(await watched.page.getByRole('heading', { name: 'Client page' }).count()).toBe(1);
    await watched.page.context().close();
  });
});
