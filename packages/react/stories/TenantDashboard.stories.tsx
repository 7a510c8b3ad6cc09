import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import type { CSSProperties } from 'react';
import { TenantDashboard } from '../src/index.js';
import {
  pendingEndpoint,
  seededToken,
  statusEndpoint,
  StoryClient,
  tokenEndpoint,
  unreachableEndpoint,
} from './mocks.js';

/** Each story gets its own QueryClient; `parameters.seed` puts a token in its cache first. */
const withStoryClient: Decorator = (Story, { parameters }) => (
  <StoryClient seed={parameters.seed}>
    <Story />
  </StoryClient>
);

const meta = {
  title: 'TenantDashboard',
  component: TenantDashboard,
  args: {
    tenantId: 'acme',
    dashboardId: 'revenue',
    title: 'Revenue dashboard',
    autoHeight: true,
    sandbox: 'allow-scripts allow-same-origin allow-popups',
    referrerPolicy: 'strict-origin-when-cross-origin',
    maxRetries: 0,
  },
  argTypes: {
    referrerPolicy: {
      control: 'select',
      options: ['strict-origin-when-cross-origin', 'no-referrer', 'origin'],
    },
    refreshMarginMs: { control: 'number' },
    className: { control: 'text' },
  },
  decorators: [withStoryClient],
  parameters: { msw: { handlers: [tokenEndpoint()] } },
} satisfies Meta<typeof TenantDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Waiting for the token server: the default skeleton (role=status). */
export const Loading: Story = { parameters: { msw: { handlers: [pendingEndpoint()] } } };

/** A token arrived; the frame shows the static stand-in dashboard page. */
export const Loaded: Story = {};

/** The token's refresh is due and the token server is slow: the dashboard stays on screen. */
export const Refreshing: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...seededToken('acme', 'revenue', 600, 660) },
    msw: { handlers: [pendingEndpoint()] },
  },
};

/** The refresh failed (503) but the old token is still valid: the dashboard stays, data-state=refresh-failed. */
export const RefreshFailed: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...seededToken('acme', 'revenue', 600, 660) },
    msw: { handlers: [statusEndpoint(503)] },
  },
};

/** The token died and no new one could be had: the expired state with a reload button. */
export const Expired: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...seededToken('acme', 'revenue', 3700, 3600) },
    msw: { handlers: [statusEndpoint(503)] },
  },
};

/** The token server answered 403: an alert with the FORBIDDEN message and a retry button. */
export const Forbidden: Story = { parameters: { msw: { handlers: [statusEndpoint(403)] } } };

/** The token server could not be reached. */
export const NetworkError: Story = { parameters: { msw: { handlers: [unreachableEndpoint()] } } };

/** The embedded page reports its height (sandbox message extension) and the frame follows it. */
export const AutoHeight: Story = {
  parameters: { msw: { handlers: [tokenEndpoint({ messages: true, rows: 6 })] } },
};

const theme = {
  '--tenantdash-height': '420px',
  '--tenantdash-radius': '16px',
  '--tenantdash-border': '2px solid #7c3aed',
  '--tenantdash-surface': '#f5f3ff',
  '--tenantdash-skeleton': '#ede9fe',
  '--tenantdash-accent': '#7c3aed',
  '--tenantdash-font': 'Georgia, serif',
  maxWidth: 720,
} as CSSProperties;

/** Theming through CSS custom properties on `style` (or a class). */
export const CustomTheme: Story = { args: { style: theme, className: 'brand' } };

/** The same theme on the error state. */
export const CustomThemeError: Story = {
  args: { style: theme },
  parameters: { msw: { handlers: [statusEndpoint(403)] } },
};

/** Replacing the loading state. */
export const CustomLoadingSlot: Story = {
  args: { renderLoading: () => <p aria-live="polite">Crunching the numbers…</p> },
  parameters: { msw: { handlers: [pendingEndpoint()] } },
};

/** Replacing the error state; `error.code` is stable. */
export const CustomErrorSlot: Story = {
  args: {
    renderError: ({ error, retry }) => (
      <div role="alert">
        <strong>Dashboard unavailable ({error.code})</strong>{' '}
        <button type="button" onClick={retry}>
          Retry
        </button>
      </div>
    ),
  },
  parameters: { msw: { handlers: [statusEndpoint(500)] } },
};

/** Several dashboards on one page: two share a tenant+dashboard (one request), one is another tenant's. */
export const SeveralDashboards: Story = {
  render: (args) => (
    <div style={{ display: 'grid', gap: 16, gridTemplateColumns: '1fr 1fr' }}>
      <TenantDashboard {...args} tenantId="acme" dashboardId="revenue" title="Acme revenue" />
      <TenantDashboard {...args} tenantId="acme" dashboardId="revenue" title="Acme revenue (again)" />
      <TenantDashboard {...args} tenantId="globex" dashboardId="orders" title="Globex orders" />
      <TenantDashboard {...args} tenantId="acme" dashboardId="churn" title="Acme churn" />
    </div>
  ),
};

/**
 * Short-lived tokens (40 s) and a page that takes tokens by message: watch the token suffix in the page's
 * header change every 30 s while the frame never reloads.
 */
export const TokenHandover: Story = {
  parameters: { msw: { handlers: [tokenEndpoint({ ttlSeconds: 40, messages: true })] } },
};

/**
 * Short-lived tokens (40 s) and a page that says nothing (like Papermap): the new token is fetched at 30 s
 * and the frame reloads once, 5 s before the old token expires.
 */
export const SrcSwapNearExpiry: Story = {
  parameters: { msw: { handlers: [tokenEndpoint({ ttlSeconds: 40 })] } },
};
