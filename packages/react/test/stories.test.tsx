import { composeStories } from '@storybook/react-vite';
import { render } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as errorCodes from '../stories/ErrorCodes.stories.js';
import * as states from '../stories/TenantDashboard.stories.js';

// Every story renders in jsdom, its token endpoint mocked by the story's own msw handlers (msw/node), and its
// play function runs against it: a fast first check. test/storybook.test.ts runs the same play functions in
// Chromium, with the a11y addon's axe check.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const composed = composeStories(states);
const stories: [string, Composed][] = [
  ...Object.entries(composed).map(([name, Story]): [string, Composed] => [`TenantDashboard ${name}`, Story]),
  ...Object.entries(composeStories(errorCodes)).map(([name, Story]): [string, Composed] => [
    `Error codes ${name}`,
    Story as Composed,
  ]),
];
type Composed = (typeof composed)[keyof typeof composed];
const handlersOf = (Story: Composed) =>
  (Story.parameters.msw as { handlers: Parameters<typeof server.use> }).handlers;

// jsdom loads no frames: the embed page's own message (EMBED_ERROR) can only happen in a browser.
const needsFrames = new Set(['Error codes EmbedError']);

describe('stories in jsdom', () => {
  it.each(stories.filter(([name]) => !needsFrames.has(name)))(
    '%s: its play function passes',
    async (_name, Story) => {
      const errors = vi.spyOn(console, 'error');
      server.use(...handlersOf(Story));
      const { container } = render(<Story />);
      await Story.play!({ canvasElement: container });
      expect(errors).not.toHaveBeenCalled();
    },
  );

  it('shares one token request between the two identical dashboards of SeveralDashboards', async () => {
    let calls = 0;
    server.use(...handlersOf(composed.SeveralDashboards));
    server.events.on('request:start', () => {
      calls += 1;
    });
    const { container } = render(<composed.SeveralDashboards />);
    await vi.waitFor(() => expect(container.querySelectorAll('iframe').length).toBe(4), { timeout: 5000 });
    server.events.removeAllListeners();
    expect(calls).toBe(3);
  });
});
