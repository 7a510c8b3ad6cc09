import type { StorybookConfig } from '@storybook/react-vite';

// The network is closed: no telemetry, no update checks. `public/` holds the msw worker and the stand-in page.
const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  staticDirs: ['../public'],
  addons: ['msw-storybook-addon'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: 'react-docgen-typescript' },
};

export default config;
