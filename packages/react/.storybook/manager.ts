import { addons } from 'storybook/manager-api';
import { create } from 'storybook/theming';

// The Storybook shell in the product's own type and colours.
addons.setConfig({
  theme: create({
    base: 'light',
    brandTitle: 'tenantdash',
    fontBase: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    fontCode: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    colorPrimary: '#4f46e5',
    colorSecondary: '#4f46e5',
  }),
});
