// @vitest-environment node
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

// The built files, as an app (or Next.js) would import them: `pnpm test` builds them first.
const dist = new URL('../dist/', import.meta.url);

describe('server rendering', () => {
  it('has no DOM here, and the built module imports without one', async () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const mod = await import(new URL('index.js', dist).href);
    expect(Object.keys(mod)).toEqual(
      expect.arrayContaining(['TenantDashboard', 'useEmbedToken', 'TenantDashProvider']),
    );
  });

  it('renders the loading state to a string without fetching', async () => {
    const { TenantDashboard } = await import(new URL('index.js', dist).href);
    let calls = 0;
    const html = renderToString(
      createElement(TenantDashboard, {
        tenantId: 'org-1',
        fetchToken: async () => {
          calls += 1;
          throw new Error('not on the server');
        },
      }),
    );
    expect(html).toContain('role="status"');
    expect(html).toContain('data-state="loading"');
    expect(calls).toBe(0);
  });

  it('ships CommonJS too, and marks both builds as client components', () => {
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs');
    expect(typeof cjs.TenantDashboard).toBe('function');
    for (const file of ['index.js', 'index.cjs']) {
      expect(readFileSync(new URL(file, dist), 'utf8').startsWith("'use client';")).toBe(true);
    }
  });
});
