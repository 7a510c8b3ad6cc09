// The Vite consumer, for one React major: npm install, `vite build`, `vite preview` on the port the sandbox
// lets frame it (token requests proxied to the token server), then the production build in Chromium.
import { join } from 'node:path';
import { launchChromium } from '@tenantdash/test-utils';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProblems, frameSource, openPage, shownDashboard, waitForReady } from './browser.js';
import { matrix } from './context.js';
import { installFixture, installedVersion } from './fixtures.js';
import { consumerEnv, runOk, startServer, type Server } from './processes.js';
import { userSessionToken } from './session.js';

const TOKEN_PATH = '/api/v1/dashboards/iframe-token';

export function describeViteApp(fixture: 'vite-react19' | 'vite-react18', reactVersion: string): void {
  describe.sequential(`${fixture}: Vite production build with React ${reactVersion}`, () => {
    const ctx = matrix();
    let dir: string;
    let buildOutput = '';
    let app: Server | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      dir = await installFixture(ctx, fixture);
      const build = await runOk(ctx.root, 'npm', ['run', 'build'], { cwd: dir });
      buildOutput = `${build.stdout}${build.stderr}`;
      const port = ctx.appPorts[fixture];
      app = await startServer(
        ctx.root,
        [join(dir, 'node_modules/vite/bin/vite.js'), 'preview', '--port', String(port)],
        {
          cwd: dir,
          env: consumerEnv({ TOKEN_SERVER_URL: ctx.serverUrl }),
          url: `http://127.0.0.1:${port}/`,
        },
      );
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    it(`installs React ${reactVersion} and one copy of each @tenantdash package`, () => {
      expect(installedVersion(dir, 'react')).toBe(reactVersion);
      expect(installedVersion(dir, 'react-dom')).toBe(reactVersion);
      expect(installedVersion(dir, '@tenantdash/react')).toBe('0.1.0');
      expect(installedVersion(dir, '@tenantdash/core')).toBe('0.1.0');
      expect(() => installedVersion(join(dir, 'node_modules/@tenantdash/react'), '@tenantdash/core')).toThrow(
        /ENOENT/,
      );
    });

    it('vite build bundles them without a warning', () => {
      expect(buildOutput).toContain('✓ built in');
      expect(
        buildOutput.split('\n').filter((line) => /warn|\(!\)|@tenantdash|directive/i.test(line)),
      ).toEqual([]);
    });

    it("shows the tenant's sandbox dashboard: ready, one token request, no console errors", async () => {
      if (!browser || !app) throw new Error('not started');
      const watched = await openPage(browser, {
        sessionToken: await userSessionToken(ctx, [ctx.tenant.tenantId]),
        tokenPaths: [TOKEN_PATH],
      });
      const { page } = watched;
      await page.goto(`${app.url}?tenant=${ctx.tenant.tenantId}`);
      await waitForReady(watched);
      expect(await shownDashboard(page)).toEqual({ tenant: ctx.tenant.tenantId, title: ctx.tenant.name });
      expect(await frameSource(page)).toEqual({
        page: `${ctx.sandboxUrl}/embedded/dashboard`,
        claims: {
          api_key_id: ctx.apiKeyId,
          workspace_id: ctx.workspaceId,
          tenant_id: ctx.tenant.tenantId,
          dashboard_id: ctx.tenant.dashboardId,
          valid_until: expect.any(Number),
          signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      });
      expect(await page.getByTestId('react-version').textContent()).toBe(reactVersion);
      expect(await page.getByTestId('last-error').textContent()).toBe('none');
      expect(watched.tokenRequests).toHaveLength(1);
      const [request] = watched.tokenRequests;
      expect(request?.method()).toBe('POST');
      expect(request?.postDataJSON()).toEqual({ tenant_id: ctx.tenant.tenantId });
      expect((await request?.response())?.status()).toBe(200);
      expect(consoleProblems(watched)).toEqual([]);
      expect(watched.pageErrors).toEqual([]);
      await page.context().close();
    });
  });
}
