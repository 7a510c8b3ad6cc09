import type { StorybookConfig } from '@storybook/react-vite';
import { quietBuild } from './quiet-build.js';

// The network is closed: no telemetry, no update checks. `public/` holds the msw worker and the stand-in page.
const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  staticDirs: ['../public'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', 'msw-storybook-addon'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Designers open it to review the component, not to learn Storybook: no onboarding checklist or guide.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  typescript: {
    reactDocgen: 'react-docgen-typescript',
    // Props come from the component's own source (descriptions, types, `@default`); `T | undefined` reads `T`.
    reactDocgenTypescriptOptions: {
      include: ['src/**/*.tsx'],
      shouldRemoveUndefinedFromOptional: true,
      shouldExtractLiteralValuesFromEnum: true,
    },
  },
  viteFinal: quietBuild,
};

export default config;
