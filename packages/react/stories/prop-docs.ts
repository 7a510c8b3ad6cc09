import { DEFAULT_EMBED_BASE_URL } from '@tenantdash/core';
import type { ArgTypes } from '@storybook/react-vite';
import { DEFAULT_REFRESH_MARGIN_MS, DEFAULT_TOKEN_URL, MAX_RETRIES } from '../src/index.js';

/**
 * Defaults as the component applies them, from its exported constants. The Docs table takes a prop's default
 * from the source (`@default`, or a default in the parameter list) when docgen finds one; these fill in where
 * it finds none (the component destructures `props` in its body), and give way as soon as the source has one.
 */
const DEFAULTS: Record<string, string> = {
  enabled: 'true',
  debug: 'false',
  dashboardId: "the tenant's default dashboard (chosen by the token server)",
  tokenUrl: JSON.stringify(DEFAULT_TOKEN_URL),
  credentials: JSON.stringify('same-origin'),
  refreshMarginMs: `${DEFAULT_REFRESH_MARGIN_MS} (5 minutes; less for short-lived tokens)`,
  maxRetries: String(MAX_RETRIES),
  embedBaseUrl: JSON.stringify(DEFAULT_EMBED_BASE_URL),
  now: 'Date.now',
  queryClient: "the app's QueryClientProvider's, else one shared client",
  userKey: 'none: a token lives only as long as its dashboards',
  renderLoading: 'a grey skeleton with role="status"',
  renderError: 'an alert with the code\'s message and "Try again"',
  renderExpired: 'an alert with "Reload dashboard"',
  fetchToken: 'a POST to `tokenUrl`',
  getHeaders: 'none',
  workspaceId: "none: the answer's `embed_url` is loaded",
  className: 'none',
  style: 'none',
  onLoad: 'none',
  onError: 'none',
  onTokenRefresh: 'none',
};

interface DocgenProp {
  defaultValue?: { value?: unknown } | null;
}

/** argTypes that fill only the defaults docgen left out of `component.__docgenInfo` (descriptions come from the source). */
export function docGaps(component: unknown): Partial<ArgTypes> {
  const props =
    (component as { __docgenInfo?: { props?: Record<string, DocgenProp> } }).__docgenInfo?.props ?? {};
  const argTypes: Partial<ArgTypes> = {};
  for (const [name, prop] of Object.entries(props)) {
    const fallback = prop.defaultValue?.value === undefined ? DEFAULTS[name] : undefined;
    if (fallback !== undefined) argTypes[name] = { table: { defaultValue: { summary: fallback } } };
  }
  return argTypes;
}
