// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = (file: string) => fileURLToPath(new URL(`../storybook-static/${file}`, import.meta.url));

// The static Storybook build is part of the tests: it must succeed offline, with telemetry off.
it('builds the static Storybook with every story, the msw worker and the stand-in page', () => {
  execFileSync('node_modules/.bin/storybook', ['build', '--quiet', '-o', 'storybook-static'], {
    cwd: root,
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', CI: 'true' },
    stdio: 'pipe',
  });
  for (const file of ['index.html', 'iframe.html', 'mockServiceWorker.js', 'dashboard.html']) {
    expect(existsSync(out(file)), file).toBe(true);
  }
  const index = JSON.parse(readFileSync(out('index.json'), 'utf8')) as {
    entries: Record<string, { type: string }>;
  };
  const ids = Object.keys(index.entries).filter((id) => index.entries[id]?.type === 'story');
  expect(ids).toEqual(
    expect.arrayContaining([
      'tenantdashboard--loading',
      'tenantdashboard--loaded',
      'tenantdashboard--refreshing',
      'tenantdashboard--refresh-failed',
      'tenantdashboard--expired',
      'tenantdashboard--forbidden',
      'tenantdashboard--network-error',
      'tenantdashboard--auto-height',
      'tenantdashboard--custom-theme',
      'tenantdashboard--custom-loading-slot',
      'tenantdashboard--custom-error-slot',
      'tenantdashboard--several-dashboards',
    ]),
  );
}, 300_000);
