// What the cases look at on a page in Chromium (launched by @tenantdash/test-utils): the component's state, the
// dashboard inside the frame, token requests, console output.
import { decodeEmbedToken, type EmbedTokenClaims } from '@tenantdash/core';
import type { Browser, Page, Request } from 'playwright-core';

export interface WatchedPage {
  page: Page;
  /** Console messages of every type, as "type: text (url)" (the page and its frames). */
  console: string[];
  /** Uncaught exceptions. */
  pageErrors: string[];
  /** Requests whose URL path is one of `tokenPaths`. */
  tokenRequests: Request[];
}

/** A fresh context and page that carry the signed-in user's session token in sessionStorage. */
export async function openPage(
  browser: Browser,
  options: { sessionToken?: string; tokenPaths: string[] },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const watched: WatchedPage = { page, console: [], pageErrors: [], tokenRequests: [] };
  if (options.sessionToken !== undefined) {
    await page.addInitScript((token) => sessionStorage.setItem('session-token', token), options.sessionToken);
  }
  page.on('console', (message) => {
    const where = message.location().url;
    watched.console.push(`${message.type()}: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  page.on('request', (request) => {
    if (options.tokenPaths.includes(new URL(request.url()).pathname)) watched.tokenRequests.push(request);
  });
  return watched;
}

/** Console errors, and any message about hydration whatever its type (React reports some as warnings). */
export const consoleProblems = (watched: WatchedPage) =>
  watched.console.filter((line) => line.startsWith('error:') || /hydrat/i.test(line));

/** Waits for `data-state="ready"` on the component's root; on a timeout, says what the page showed instead. */
export async function waitForReady(watched: WatchedPage, timeout = 60_000): Promise<void> {
  const root = watched.page.locator('div.tenantdash');
  try {
    await watched.page.locator('div.tenantdash[data-state="ready"]').waitFor({ timeout });
  } catch (error) {
    const state = await root.getAttribute('data-state', { timeout: 1000 }).catch(() => 'no component');
    const text = await watched.page
      .locator('body')
      .innerText({ timeout: 1000 })
      .catch(() => '');
    throw new Error(
      `the component never became ready (data-state=${state})\npage text: ${text}\n` +
        `console: ${JSON.stringify(watched.console)}\npage errors: ${JSON.stringify(watched.pageErrors)}`,
      { cause: error },
    );
  }
}

/** Waits until the frame shows a dashboard (the sandbox's page, not its error page) and says what it shows. */
export async function shownDashboard(page: Page, timeout = 30_000) {
  const frame = page.frameLocator('div.tenantdash iframe');
  await frame.locator('html[data-embed-status="ok"]').waitFor({ state: 'attached', timeout });
  const root = frame.locator('main#td-root');
  return { tenant: await root.getAttribute('data-tenant'), title: await root.locator('h1').textContent() };
}

/** The iframe's URL without its token, and the token's claims (decoded, not verified). */
export async function frameSource(page: Page): Promise<{ page: string; claims: EmbedTokenClaims }> {
  const src = await page.locator('div.tenantdash iframe').getAttribute('src');
  const url = new URL(src ?? 'about:blank');
  const token = url.searchParams.get('embedded-token');
  if (!token) throw new Error(`the iframe has no embed token: ${src}`);
  return { page: `${url.origin}${url.pathname}`, claims: decodeEmbedToken(token) };
}
