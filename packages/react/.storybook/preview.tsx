import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';
import './preview.css';
import { withReviewNote } from './review-note.js';

// Token endpoints are mocked per story (`parameters.msw.handlers`); the worker is public/mockServiceWorker.js.
const preview: Preview = {
  loaders: [mswLoader()],
  decorators: [withReviewNote],
  parameters: {
    layout: 'padded',
    controls: { expanded: true, sort: 'requiredFirst' },
    options: { storySort: { order: ['TenantDashboard', 'TenantDashboard error codes'] } },
    // Every story's axe check must pass: a violation fails the story (and the Chromium test that runs it).
    // The check covers the component; what its frame shows is the embed page's (Papermap's) own document.
    a11y: {
      test: 'error',
      options: { iframes: false },
      config: { rules: [{ id: 'frame-tested', enabled: false }] },
    },
    // Each story of the Docs page in its own frame: with its own token endpoint mocks and its own state,
    // tall enough for the reviewer note and the component's default 600 px height.
    docs: { story: { inline: false, height: '760px' } },
  },
};

export default preview;
