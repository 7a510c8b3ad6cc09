import type { Preview } from '@storybook/react-vite';
import { mswLoader } from 'msw-storybook-addon/csf3';

// Token endpoints are mocked per story (`parameters.msw.handlers`); the worker is public/mockServiceWorker.js.
const preview: Preview = {
  loaders: [mswLoader()],
  parameters: { layout: 'padded', controls: { expanded: true } },
};

export default preview;
