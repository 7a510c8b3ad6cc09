import { randomBytes } from 'node:crypto';
import { EMBED_MESSAGE_PREFIX, EMBED_MESSAGE_VERSION } from '@tenantdash/core';
import { areaChart, barChart, donutChart, rankedBars, sparkline } from './charts.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml, scriptJson } from './html.js';
import { dashboardData } from './seeded-data.js';
import { pageStyles } from './styles.js';

export interface PageContext {
  allowedOrigins: string[];
  debug: boolean;
  nowMs: number;
  leadSeconds: number;
}

export interface RenderedPage {
  html: string;
  headers: Record<string, string>;
}

/** Security headers of every embed response (docs/papermap-protocol.md §7.4 plus frame-ancestors for the allow-list). */
export function embedHeaders(nonce: string, allowedOrigins: string[]): Record<string, string> {
  const ancestors = allowedOrigins.length === 0 ? "'none'" : allowedOrigins.join(' ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; ` +
      `img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors ${ancestors}`,
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

function document(
  nonce: string,
  title: string,
  css: string,
  body: string,
  boot: unknown,
  status: string,
): string {
  return `<!doctype html>
<html lang="en" data-embed-status="${status}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${css}</style>
</head>
<body>
${body}
<script type="application/json" id="td-boot">${scriptJson(boot)}</script>
<script nonce="${nonce}">${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

export interface DashboardView {
  workspaceId: string;
  tenantId: string;
  dashboardId: string;
  title: string;
  description: string | null;
  expiresAt: number;
}

export function renderDashboard(view: DashboardView, ctx: PageContext): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const data = dashboardData(view.workspaceId, view.tenantId, view.dashboardId, ctx.nowMs);
  const { palette } = data;
  const tiles = data.kpis
    .map((kpi) => {
      const up = kpi.deltaPercent >= 0;
      return `<section class="tile"><div class="label">${escapeHtml(kpi.label)}</div><div class="value">${escapeHtml(kpi.value)}</div><div class="delta ${up ? 'up' : 'down'}">${up ? '▲' : '▼'} ${Math.abs(kpi.deltaPercent).toFixed(1)}% vs last month</div>${sparkline(kpi.spark, palette.accent)}</section>`;
    })
    .join('');
  const card = (title: string, svg: string) =>
    `<section class="card"><h2>${escapeHtml(title)}</h2>${svg}</section>`;
  const body = `<main id="td-root" data-tenant="${escapeHtml(view.tenantId)}">
<header class="top"><div><h1>${escapeHtml(view.title)}</h1><p>${escapeHtml(view.description ?? 'Key metrics for the last twelve months')}</p></div><span class="badge">Tenant: ${escapeHtml(view.tenantId)}</span></header>
<div class="kpis">${tiles}</div>
<div class="charts">
${card('Monthly revenue', areaChart(data.months, data.revenue, palette, 'Monthly revenue'))}
${card('Orders by region', barChart(data.regions, palette, 'Orders by region'))}
${card('Plan mix', donutChart(data.plans, palette, 'Plan mix'))}
${card('Top products', rankedBars(data.products, palette, 'Top products'))}
</div>
<footer>Papermap sandbox · sample data seeded for this tenant · not real figures</footer>
</main>
<div id="td-expired" role="alert">This view has expired. Waiting for a new token…</div>`;
  const boot = {
    status: 'ok',
    prefix: EMBED_MESSAGE_PREFIX,
    version: EMBED_MESSAGE_VERSION,
    workspace_id: view.workspaceId,
    dashboard_id: view.dashboardId,
    tenant_id: view.tenantId,
    expires_at: view.expiresAt,
    server_now_ms: ctx.nowMs,
    lead_seconds: ctx.leadSeconds,
    allowed_origins: ctx.allowedOrigins,
    debug: ctx.debug,
  };
  return {
    html: document(nonce, view.title, pageStyles(palette.accent, palette.accentSoft), body, boot, 'ok'),
    headers: embedHeaders(nonce, ctx.allowedOrigins),
  };
}

const ERROR_TEXT: Record<string, [title: string, detail: string]> = {
  MISSING_PARAMETERS: [
    'Incomplete embed link',
    'The link must carry embedded-token once; workspace-id and dashboard-id are optional, once each and not empty.',
  ],
  TOKEN_MALFORMED: ['Invalid embed token', 'The embed token is not well-formed.'],
  TOKEN_INVALID: ['Invalid embed token', 'The embed token could not be verified.'],
  TOKEN_EXPIRED: ['This embed link has expired', 'Ask the application for a fresh link.'],
  TOKEN_LIFETIME_EXCEEDED: ['Invalid embed token', 'The embed token is valid for longer than allowed.'],
  TOKEN_MISMATCH: ['Invalid embed link', 'The link does not match its embed token.'],
  DASHBOARD_NOT_FOUND: ['Dashboard not found', 'This dashboard does not exist in the workspace.'],
};

export function renderError(code: string, status: number, ctx: PageContext): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const [title, detail] = ERROR_TEXT[code] ?? ['Unable to show this dashboard', 'The request was refused.'];
  const body = `<main id="td-root" class="error" data-error-code="${escapeHtml(code)}">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(detail)}</p>
<p>Error code: <code>${escapeHtml(code)}</code> (HTTP ${status})</p>
</main>`;
  const boot = {
    status: 'error',
    prefix: EMBED_MESSAGE_PREFIX,
    version: EMBED_MESSAGE_VERSION,
    error: { code, status },
    server_now_ms: ctx.nowMs,
    allowed_origins: ctx.allowedOrigins,
    debug: ctx.debug,
  };
  return {
    html: document(nonce, title, pageStyles('#b91c1c', '#fee2e2'), body, boot, 'error'),
    headers: embedHeaders(nonce, ctx.allowedOrigins),
  };
}
