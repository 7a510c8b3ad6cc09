import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import type { HttpHandler } from 'msw';
import { expect } from 'storybook/test';
import {
  DEFAULT_ERROR_MESSAGE,
  DEFAULT_ERROR_MESSAGES,
  TenantDashboard,
  type TenantDashboardErrorCode,
} from '../src/index.js';
import {
  notJsonEndpoint,
  problemEndpoint,
  seededToken,
  StoryClient,
  tokenEndpoint,
  unreachableEndpoint,
} from './mocks.js';
import { settlesInto, showsAlert } from './play.js';

const withStoryClient: Decorator = (Story, { parameters }) => (
  <StoryClient seed={parameters.seed}>
    <Story />
  </StoryClient>
);

const meta = {
  title: 'TenantDashboard error codes',
  component: TenantDashboard,
  args: { tenantId: 'acme', dashboardId: 'revenue', title: 'Revenue dashboard', maxRetries: 0 },
  decorators: [withStoryClient],
} satisfies Meta<typeof TenantDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

/** What the end user reads for a code: its own default message, or the generic one. */
const messageFor = (code: TenantDashboardErrorCode) => DEFAULT_ERROR_MESSAGES[code] ?? DEFAULT_ERROR_MESSAGE;

/** One story per code: how it is caused here, what it means, and a play function that checks the text. */
function errorStory(
  code: TenantDashboardErrorCode,
  handler: HttpHandler,
  cause: string,
  means: string,
): Story {
  return {
    name: code,
    parameters: {
      msw: { handlers: [handler] },
      review: { sees: `"${messageFor(code)}" and "Try again".`, means: `${means} Here: ${cause}.` },
    },
    play: async ({ canvasElement }) => {
      const [root] = await settlesInto(canvasElement, 'error');
      const alert = await showsAlert(root!, messageFor(code), 'Try again');
      await expect(alert.dataset.code).toBe(code);
    },
  };
}

export const Unauthorized = errorStory(
  'UNAUTHORIZED',
  problemEndpoint(401, 'UNAUTHENTICATED'),
  'the token endpoint answers 401',
  "The user's session is not accepted by the token server: they must sign in again.",
);
export const Forbidden = errorStory(
  'FORBIDDEN',
  problemEndpoint(403, 'FORBIDDEN'),
  'the token endpoint answers 403 FORBIDDEN',
  'The user may not see this tenant.',
);
export const TenantDisabled = errorStory(
  'TENANT_DISABLED',
  problemEndpoint(403, 'TENANT_DISABLED'),
  'the token endpoint answers 403 TENANT_DISABLED',
  "An administrator turned the tenant's analytics off (the kill switch); open dashboards go down at once.",
);
export const TenantNotFound = errorStory(
  'TENANT_NOT_FOUND',
  problemEndpoint(404, 'TENANT_NOT_FOUND'),
  'the token endpoint answers 404 TENANT_NOT_FOUND',
  'No such tenant for this user (a foreign tenant gets the same answer).',
);
export const DashboardNotFound = errorStory(
  'DASHBOARD_NOT_FOUND',
  problemEndpoint(404, 'DASHBOARD_NOT_FOUND'),
  'the token endpoint answers 404 DASHBOARD_NOT_FOUND',
  'The tenant has no such dashboard (or no default one).',
);
export const RateLimited = errorStory(
  'RATE_LIMITED',
  problemEndpoint(429, 'RATE_LIMITED', { 'retry-after': '30' }),
  'the token endpoint answers 429 with Retry-After: 30, and retries are off',
  'Too many token requests; the component waits out Retry-After before asking again.',
);
export const NetworkError = errorStory(
  'NETWORK_ERROR',
  unreachableEndpoint(),
  'the request fails at the network level',
  'The token endpoint could not be reached (offline, DNS, or refused by CORS).',
);
export const InvalidResponse = errorStory(
  'INVALID_RESPONSE',
  notJsonEndpoint(),
  'the token endpoint answers 200 with an HTML page',
  'The answer was not a usable token (not JSON, a missing field, already expired).',
);
export const ConfigInvalid = errorStory(
  'CONFIG_INVALID',
  tokenEndpoint({ withoutEmbedUrl: true }),
  'the answer has no embed_url and the component has no workspaceId',
  'The embed URL cannot be built from the settings given.',
);
export const EmbedError = errorStory(
  'EMBED_ERROR',
  tokenEndpoint({ refuse: { code: 'TOKEN_INVALID', status: 401 } }),
  'the embed page posts tenantdash:error TOKEN_INVALID (401)',
  'The token was issued, but the embed page refused to show the dashboard with it.',
);
export const TokenFetchFailed = errorStory(
  'TOKEN_FETCH_FAILED',
  problemEndpoint(500, 'INTERNAL'),
  'the token endpoint answers 500, and retries are off',
  'The token server failed; server errors are retried (three times by default) before this shows.',
);

/** No failure carries this code: its message is the expired state's, shown once a token died unreplaced. */
export const TokenExpired: Story = {
  name: 'TOKEN_EXPIRED',
  parameters: {
    seed: { tenantId: 'acme', ...seededToken('acme', 'revenue', 3700, 3600) },
    msw: { handlers: [problemEndpoint(503, 'SERVICE_UNAVAILABLE')] },
    review: {
      sees: `"${messageFor('TOKEN_EXPIRED')}" and "Reload dashboard".`,
      means:
        'The expired state (data-state=expired): the token died and no new one could be had. Here: a dead token in the cache and a 503.',
    },
  },
  play: async ({ canvasElement }) => {
    const [root] = await settlesInto(canvasElement, 'expired');
    await showsAlert(root!, messageFor('TOKEN_EXPIRED'), 'Reload dashboard');
  },
};
