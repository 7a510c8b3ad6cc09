import { composeStories } from '@storybook/react-vite';
import { render, screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as stories from '../stories/TenantDashboard.stories.js';

// Every story renders in the test run, its token endpoint mocked by the story's own msw handlers (msw/node).
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const composed = composeStories(stories);

/** What each story must settle into: the root's data-state and the role it shows. */
const expected: Record<
  keyof typeof composed,
  { state: string; role: 'status' | 'alert' | 'frame' | 'custom' }
> = {
  Loading: { state: 'loading', role: 'status' },
  Loaded: { state: 'ready', role: 'frame' },
  Refreshing: { state: 'refreshing', role: 'frame' },
  RefreshFailed: { state: 'refresh-failed', role: 'frame' },
  Expired: { state: 'expired', role: 'alert' },
  Forbidden: { state: 'error', role: 'alert' },
  NetworkError: { state: 'error', role: 'alert' },
  AutoHeight: { state: 'ready', role: 'frame' },
  CustomTheme: { state: 'ready', role: 'frame' },
  CustomThemeError: { state: 'error', role: 'alert' },
  CustomLoadingSlot: { state: 'loading', role: 'custom' },
  CustomErrorSlot: { state: 'error', role: 'alert' },
  SeveralDashboards: { state: 'ready', role: 'frame' },
  TokenHandover: { state: 'ready', role: 'frame' },
  SrcSwapNearExpiry: { state: 'ready', role: 'frame' },
};

describe('stories', () => {
  it.each(Object.entries(composed))('%s renders without error', async (name, Story) => {
    const errors = vi.spyOn(console, 'error');
    const handlers = (Story.parameters.msw as { handlers: Parameters<typeof server.use> }).handlers;
    server.use(...handlers);
    const { container } = render(<Story />);
    const want = expected[name as keyof typeof composed];
    // Mocked answers take ~300 ms; a state that never comes fails the test.
    await vi.waitFor(
      () => {
        const states = [...container.querySelectorAll('.tenantdash')].map((el) =>
          el.getAttribute('data-state'),
        );
        expect(states.length).toBeGreaterThan(0);
        expect(states.every((s) => s === want.state)).toBe(true);
      },
      { timeout: 5000, interval: 50 },
    );
    if (want.role === 'frame')
      expect(container.querySelector('iframe')?.getAttribute('src')).toMatch(/^http/);
    else if (want.role === 'custom') expect(screen.getByText('Crunching the numbers…')).toBeTruthy();
    else expect(screen.getAllByRole(want.role).length).toBeGreaterThan(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it('shares one token request between the two identical dashboards of SeveralDashboards', async () => {
    let calls = 0;
    server.use(
      ...(composed.SeveralDashboards.parameters.msw as { handlers: Parameters<typeof server.use> }).handlers,
    );
    server.events.on('request:start', () => {
      calls += 1;
    });
    const { container } = render(<composed.SeveralDashboards />);
    await vi.waitFor(() => expect(container.querySelectorAll('iframe').length).toBe(4), { timeout: 5000 });
    server.events.removeAllListeners();
    expect(calls).toBe(3);
  });
});
