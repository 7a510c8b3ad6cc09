/**
 * The docs UI at /docs in Debian's Chromium (`CHROMIUM_PATH`): it renders every operation of the OpenAPI
 * document and logs nothing to the console (a CSP violation there is an error line), with the security headers
 * the rest of the API has.
 */
import { launchChromium } from '@tenantdash/test-utils';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useTestStack } from './helper.js';

const stack = useTestStack({ listen: true });
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

it('renders every operation with no console message and no page error', async () => {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`));
  const response = await page.goto(`${stack.url}/docs`);
  expect(response?.status()).toBe(200);
  const spec = (await (await fetch(`${stack.url}/docs/json`)).json()) as { paths: Record<string, object> };
  const operations = Object.values(spec.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  await page
    .locator('.opblock')
    .nth(operations - 1)
    .waitFor();
  expect(await page.locator('.opblock').count()).toBe(operations);
  // Expanding an operation shows its documented answers and examples without a violation either.
  await page.locator('.opblock-summary', { hasText: '/api/v1/audit/summary' }).click();
  await page.locator('.responses-table').first().waitFor();
  expect(await page.locator('.response-col_status').allInnerTexts()).toEqual(
    expect.arrayContaining(['200', '400', '401', '403', '429', '500', '503']),
  );
  expect(console).toEqual([]);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('upgrade-insecure-requests');
  await page.close();
});
