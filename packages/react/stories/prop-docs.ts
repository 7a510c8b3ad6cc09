import { DEFAULT_EMBED_BASE_URL } from '@tenantdash/core';
import type { ArgTypes } from '@storybook/react-vite';
import {
  DEFAULT_REFERRER_POLICY,
  DEFAULT_REFRESH_MARGIN_MS,
  DEFAULT_SANDBOX,
  DEFAULT_TITLE,
  DEFAULT_TOKEN_URL,
  MAX_RETRIES,
} from '../src/index.js';

/**
 * Defaults as the component applies them, from its exported constants. The Docs table takes a prop's default
 * from the source (`@default`, or a default in the parameter list) when docgen finds one; these fill in where
 * it finds none (the component destructures `props` in its body), and give way as soon as the source has one.
 */
const DEFAULTS: Record<string, string> = {
  title: JSON.stringify(DEFAULT_TITLE),
  sandbox: JSON.stringify(DEFAULT_SANDBOX),
  allow: JSON.stringify('fullscreen'),
  referrerPolicy: JSON.stringify(DEFAULT_REFERRER_POLICY),
  autoHeight: 'true',
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

/** Descriptions for props the source has no doc comment for yet (docgen's own text wins once it has one). */
const DESCRIPTIONS: Record<string, string> = {
  tenantId: 'The tenant whose dashboard to show; the token server checks the signed-in user belongs to it.',
  sandbox: "The iframe's `sandbox` tokens: scripts and the dashboard's own session run, popups open links.",
  allow: "The iframe's permissions policy (`allow`).",
  referrerPolicy: "The iframe's `referrerPolicy`: the embed page never sees more than the host's origin.",
  className: 'Added to the root element (`.tenantdash`), e.g. to set the theming custom properties.',
  style:
    'Inline style of the root; theming custom properties (`--tenantdash-height`, `-radius`, `-border`, `-surface`, `-skeleton`, `-accent`, `-accent-color`, `-color`, `-font`, `-background`).',
  fetchToken:
    'Your own way to get a token instead of the token endpoint: return the `Response` or its parsed JSON.',
  renderLoading: 'Replaces the loading view.',
  renderError: 'Replaces the error view; gets `{ error, retry }`, and `error.code` is stable.',
  renderExpired:
    'Replaces the view shown once the token expired and no new one could be had; gets `{ retry }`.',
};

interface DocgenProp {
  description?: string;
  defaultValue?: { value?: unknown } | null;
}

/** argTypes that fill only the gaps docgen left in `component.__docgenInfo` (description, default). */
export function docGaps(component: unknown): Partial<ArgTypes> {
  const props =
    (component as { __docgenInfo?: { props?: Record<string, DocgenProp> } }).__docgenInfo?.props ?? {};
  const argTypes: Partial<ArgTypes> = {};
  for (const [name, prop] of Object.entries(props)) {
    const description = prop.description ? undefined : DESCRIPTIONS[name];
    const fallback = prop.defaultValue?.value === undefined ? DEFAULTS[name] : undefined;
    if (description === undefined && fallback === undefined) continue;
    argTypes[name] = {
      ...(description === undefined ? {} : { description }),
      ...(fallback === undefined ? {} : { table: { defaultValue: { summary: fallback } } }),
    };
  }
  return argTypes;
}
