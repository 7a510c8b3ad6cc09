import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import type { CSSProperties } from 'react';
import { expect, fn, within } from 'storybook/test';
import { DEFAULT_ERROR_MESSAGES, TenantDashboard } from '../src/index.js';
import {
  pendingEndpoint,
  problemEndpoint,
  seededToken,
  StoryClient,
  tokenEndpoint,
  unreachableEndpoint,
} from './mocks.js';
import { settlesInto, showsAlert, showsFrame } from './play.js';
import { docGaps } from './prop-docs.js';

/** Each story gets its own QueryClient; `parameters.seed` puts a token in its cache first. */
const withStoryClient: Decorator = (Story, { parameters }) => (
  <StoryClient seed={parameters.seed}>
    <Story />
  </StoryClient>
);

const gaps = docGaps(TenantDashboard);
// Props a control cannot set (functions, clients, clocks): documented, not offered as controls.
const documentedOnly = Object.fromEntries(
  ['fetchToken', 'getHeaders', 'now', 'queryClient', 'renderLoading', 'renderError', 'renderExpired'].map(
    (name) => [name, { ...gaps[name], control: false }],
  ),
);

const meta = {
  title: 'TenantDashboard',
  component: TenantDashboard,
  tags: ['autodocs'],
  args: {
    tenantId: 'acme',
    dashboardId: 'revenue',
    title: 'Revenue dashboard',
    autoHeight: true,
    maxRetries: 0,
    onLoad: fn(),
    onError: fn(),
    onTokenRefresh: fn(),
  },
  argTypes: {
    ...gaps,
    ...documentedOnly,
    referrerPolicy: {
      ...gaps.referrerPolicy,
      control: 'select',
      options: ['strict-origin-when-cross-origin', 'no-referrer', 'origin', 'same-origin'],
    },
    credentials: { ...gaps.credentials, control: 'select', options: ['same-origin', 'include', 'omit'] },
  },
  decorators: [withStoryClient],
  parameters: { msw: { handlers: [tokenEndpoint()] } },
} satisfies Meta<typeof TenantDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

const aliveButRefreshDue = seededToken('acme', 'revenue', 600, 660);

/** Waiting for the token server: the default skeleton (role=status). */
export const Loading: Story = {
  parameters: {
    msw: { handlers: [pendingEndpoint()] },
    review: {
      sees: 'A grey placeholder the size of the dashboard; screen readers hear "Loading dashboard…".',
      means: 'The first token is being fetched from the token server (it has not answered yet).',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'loading');
    await expect(within(root!).getByRole('status').textContent).toBe('Loading dashboard…');
    await expect(root!.getAttribute('aria-busy')).toBe('true');
  },
};

/** A token arrived; the frame shows the static stand-in dashboard page. */
export const Loaded: Story = {
  parameters: {
    review: {
      sees: 'The dashboard, and nothing else.',
      means: 'A valid token is loaded; the next refresh is scheduled ahead of its expiry.',
    },
  },
  play: async ({ canvasElement, args }) => {
    const [root] = await settlesInto(canvasElement, 'ready');
    const frame = await showsFrame(root!, args.title ?? '');
    await expect(frame.getAttribute('src')).toContain(`tenant-id=${args.tenantId}`);
  },
};

/** The token's refresh is due and the token server is slow: the dashboard stays on screen. */
export const Refreshing: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...aliveButRefreshDue },
    msw: { handlers: [pendingEndpoint()] },
    review: {
      sees: 'The dashboard, unchanged: a refresh never blanks or reloads it.',
      means: 'The token is due for refresh and the next one is being fetched in the background.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'refreshing');
    await showsFrame(root!, 'Revenue dashboard');
  },
};

/** The refresh failed (503) but the old token is still valid: the dashboard stays, data-state=refresh-failed. */
export const RefreshFailed: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...aliveButRefreshDue },
    msw: { handlers: [problemEndpoint(503, 'SERVICE_UNAVAILABLE')] },
    review: {
      sees: 'The dashboard, unchanged; onError has fired (see Actions).',
      means:
        'A refresh failed (503) while the current token still works; it is retried before the token expires.',
    },
  },
  play: async ({ canvasElement, args }) => {
    const [root] = await settlesInto(canvasElement, 'refresh-failed');
    await showsFrame(root!, 'Revenue dashboard');
    await expect(args.onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'TOKEN_FETCH_FAILED' }));
  },
};

/** The token died and no new one could be had: the expired state with a reload button. */
export const Expired: Story = {
  parameters: {
    seed: { tenantId: 'acme', ...seededToken('acme', 'revenue', 3700, 3600) },
    msw: { handlers: [problemEndpoint(503, 'SERVICE_UNAVAILABLE')] },
    review: {
      sees: `"${DEFAULT_ERROR_MESSAGES.TOKEN_EXPIRED}" and a "Reload dashboard" button.`,
      means: 'The token expired and the token server could not give a new one; the frame is gone.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'expired');
    await showsAlert(root!, DEFAULT_ERROR_MESSAGES.TOKEN_EXPIRED ?? '', 'Reload dashboard');
    await expect(root!.querySelector('iframe')).toBeNull();
  },
};

/** The token server answered 403: an alert with the FORBIDDEN message and a retry button. */
export const Forbidden: Story = {
  parameters: {
    msw: { handlers: [problemEndpoint(403, 'FORBIDDEN')] },
    review: {
      sees: `"${DEFAULT_ERROR_MESSAGES.FORBIDDEN}" and "Try again".`,
      means:
        'The token server refused this user the tenant (403 FORBIDDEN). Every code: "TenantDashboard error codes".',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'error');
    const alert = await showsAlert(root!, DEFAULT_ERROR_MESSAGES.FORBIDDEN ?? '', 'Try again');
    await expect(alert.dataset.code).toBe('FORBIDDEN');
  },
};

/** The token server could not be reached. */
export const NetworkError: Story = {
  parameters: {
    msw: { handlers: [unreachableEndpoint()] },
    review: {
      sees: `"${DEFAULT_ERROR_MESSAGES.NETWORK_ERROR}" and "Try again".`,
      means: 'The token endpoint could not be reached (offline, DNS, or a CORS refusal).',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'error');
    const alert = await showsAlert(root!, DEFAULT_ERROR_MESSAGES.NETWORK_ERROR ?? '', 'Try again');
    await expect(alert.dataset.code).toBe('NETWORK_ERROR');
  },
};

/** The embedded page reports its height (sandbox message extension) and the frame follows it. */
export const AutoHeight: Story = {
  parameters: {
    msw: { handlers: [tokenEndpoint({ messages: true, rows: 6 })] },
    review: {
      sees: 'The whole dashboard without an inner scrollbar: the frame is as tall as its page.',
      means: 'The page reports its height by message and the frame follows (autoHeight, the default).',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'ready');
    await showsFrame(root!, 'Revenue dashboard');
  },
};

const theme = {
  '--tenantdash-height': '420px',
  '--tenantdash-radius': '16px',
  '--tenantdash-border': '2px solid #7c3aed',
  '--tenantdash-surface': '#f5f3ff',
  '--tenantdash-skeleton': '#ede9fe',
  '--tenantdash-accent': '#6d28d9',
  '--tenantdash-color': '#2e1065',
  '--tenantdash-font': "'Trebuchet MS', system-ui, sans-serif",
  maxWidth: 720,
} as CSSProperties;

/** Theming through CSS custom properties on `style` (or a class). */
export const CustomTheme: Story = {
  args: { style: theme, className: 'brand' },
  parameters: {
    review: {
      sees: "The dashboard in a 420 px frame with a violet border and 16 px corners: the host's brand.",
      means: 'Ready; themed through --tenantdash-* custom properties on `style` (a class works too).',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'ready');
    await expect(root!.classList.contains('brand')).toBe(true);
    await expect(root!.style.getPropertyValue('--tenantdash-accent')).toBe('#6d28d9');
    await showsFrame(root!, 'Revenue dashboard');
  },
};

/** The same theme on the error state. */
export const CustomThemeError: Story = {
  args: { style: theme },
  parameters: {
    msw: { handlers: [problemEndpoint(403, 'FORBIDDEN')] },
    review: {
      sees: 'The error view in the brand: violet surface, violet button, the brand font.',
      means: 'An error (403 FORBIDDEN) with the same --tenantdash-* theme as "Custom Theme".',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'error');
    await showsAlert(root!, DEFAULT_ERROR_MESSAGES.FORBIDDEN ?? '', 'Try again');
  },
};

/** Replacing the loading state. */
export const CustomLoadingSlot: Story = {
  args: { renderLoading: () => <p aria-live="polite">Crunching the numbers…</p> },
  parameters: {
    msw: { handlers: [pendingEndpoint()] },
    review: {
      sees: '"Crunching the numbers…": the host\'s own loading view.',
      means: 'Loading, rendered by `renderLoading` instead of the built-in skeleton.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'loading');
    await expect(within(root!).getByText('Crunching the numbers…').tagName).toBe('P');
  },
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
  parameters: {
    msw: { handlers: [problemEndpoint(500, 'INTERNAL')] },
    review: {
      sees: '"Dashboard unavailable (TOKEN_FETCH_FAILED)" and "Retry": the host\'s own error view.',
      means: 'An error (500), rendered by `renderError`, which gets the stable `error.code` and `retry`.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'error');
    const alert = within(root!).getByRole('alert');
    await expect(alert.textContent).toBe('Dashboard unavailable (TOKEN_FETCH_FAILED) Retry');
  },
};

const DASHBOARDS = [
  { tenantId: 'acme', dashboardId: 'revenue', title: 'Acme revenue' },
  { tenantId: 'acme', dashboardId: 'revenue', title: 'Acme revenue (again)' },
  { tenantId: 'globex', dashboardId: 'orders', title: 'Globex orders' },
  { tenantId: 'initech', dashboardId: 'churn', title: 'Initech churn' },
] as const;

/** Several dashboards on one page: two share a tenant+dashboard (one request), the others are other tenants'. */
export const SeveralDashboards: Story = {
  render: (args) => (
    // Two by two on a desktop canvas (and on the Docs page), one column on a phone.
    <div
      style={{
        display: 'grid',
        gap: 16,
        gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 420px), 1fr))',
      }}
    >
      {DASHBOARDS.map((d) => (
        <TenantDashboard
          key={d.title}
          {...args}
          {...d}
          style={{ '--tenantdash-height': '400px' } as CSSProperties}
        />
      ))}
    </div>
  ),
  parameters: {
    // Two rows of two 400 px dashboards at the Docs page's width.
    docs: { story: { height: '1000px' } },
    review: {
      sees: "Four dashboards, each with its own tenant's figures; the two Acme revenue ones are the same dashboard.",
      means:
        'All ready. Identical tenant + dashboard share one token request; each tenant gets its own token.',
    },
  },
  play: async ({ canvasElement }) => {
    const roots = await settlesInto(canvasElement, 'ready');
    await expect(roots).toHaveLength(4);
    for (const [i, d] of DASHBOARDS.entries()) {
      const frame = await showsFrame(roots[i]!, d.title);
      await expect(frame.getAttribute('src')).toContain(`tenant-id=${d.tenantId}`);
    }
  },
};

/**
 * Short-lived tokens (40 s) and a page that takes tokens by message: watch the token suffix in the page's
 * footer change every 30 s while the frame never reloads.
 */
export const TokenHandover: Story = {
  parameters: {
    msw: { handlers: [tokenEndpoint({ ttlSeconds: 40, messages: true })] },
    review: {
      sees: "The dashboard; only the token suffix in the page's footer changes, every 30 s.",
      means:
        'Ready with 40 s tokens: each new token is handed to the page by message, the frame never reloads.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'ready');
    const frame = await showsFrame(root!, 'Revenue dashboard');
    await expect(frame.getAttribute('src')).toContain('messages=1');
  },
};

/**
 * Short-lived tokens (40 s) and a page that says nothing (like Papermap): the new token is fetched at 30 s
 * and the frame reloads once, shortly before the old token expires.
 */
export const SrcSwapNearExpiry: Story = {
  parameters: {
    msw: { handlers: [tokenEndpoint({ ttlSeconds: 40 })] },
    review: {
      sees: 'The dashboard; it reloads once shortly before each 40 s token expires.',
      means: 'Ready with a page that takes no messages (like Papermap): new tokens arrive by a new src.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'ready');
    const frame = await showsFrame(root!, 'Revenue dashboard');
    await expect(frame.getAttribute('src')).not.toContain('messages=1');
  },
};
