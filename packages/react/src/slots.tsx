import type { CSSProperties, ReactNode } from 'react';
import type { TenantDashboardError, TenantDashboardErrorCode } from './errors.js';

export interface ErrorSlotProps {
  error: TenantDashboardError;
  retry: () => void;
}
export interface ExpiredSlotProps {
  retry: () => void;
}

const box: CSSProperties = {
  boxSizing: 'border-box',
  minHeight: 'var(--tenantdash-height, 600px)',
  borderRadius: 'var(--tenantdash-radius, 8px)',
  background: 'var(--tenantdash-surface, #f3f4f6)',
  color: 'var(--tenantdash-color, #111827)',
  fontFamily: 'var(--tenantdash-font, inherit)',
  padding: 24,
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'center',
  justifyContent: 'center',
  gap: 12,
  textAlign: 'center',
};

const button: CSSProperties = {
  font: 'inherit',
  cursor: 'pointer',
  padding: '8px 16px',
  border: 0,
  borderRadius: 'var(--tenantdash-radius, 8px)',
  background: 'var(--tenantdash-accent, #2563eb)',
  color: 'var(--tenantdash-accent-color, #fff)',
};

const hidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

/** What the end user reads for a code (others: `DEFAULT_ERROR_MESSAGE`); replace them with `renderError`. */
export const DEFAULT_ERROR_MESSAGES: Readonly<Partial<Record<TenantDashboardErrorCode, string>>> = {
  UNAUTHORIZED: 'Your session has ended. Sign in again to see this dashboard.',
  FORBIDDEN: 'You do not have access to this dashboard.',
  TENANT_DISABLED: 'Analytics for this account have been turned off by an administrator.',
  TENANT_NOT_FOUND: 'This dashboard is not available.',
  DASHBOARD_NOT_FOUND: 'This dashboard is not available.',
  RATE_LIMITED: 'Too many requests. Trying again shortly.',
  // Not "check your connection": a token server that refuses this origin by CORS fails the same way (the
  // error's message, for the developer, says which; see fetch-token.ts).
  NETWORK_ERROR: 'The dashboard could not be reached.',
  TOKEN_EXPIRED: 'This dashboard session has expired.',
};
export const DEFAULT_ERROR_MESSAGE = 'The dashboard could not be loaded.';

export function DefaultLoading(): ReactNode {
  return (
    <div
      role="status"
      className="tenantdash-skeleton"
      style={{ ...box, background: 'var(--tenantdash-skeleton, #e5e7eb)' }}
    >
      <span style={hidden}>Loading dashboard…</span>
    </div>
  );
}

export function DefaultError({ error, retry }: ErrorSlotProps): ReactNode {
  return (
    <div role="alert" className="tenantdash-error" data-code={error.code} style={box}>
      <p style={{ margin: 0 }}>{DEFAULT_ERROR_MESSAGES[error.code] ?? DEFAULT_ERROR_MESSAGE}</p>
      <button type="button" style={button} onClick={retry}>
        Try again
      </button>
    </div>
  );
}

export function DefaultExpired({ retry }: ExpiredSlotProps): ReactNode {
  return (
    <div role="alert" className="tenantdash-expired" style={box}>
      <p style={{ margin: 0 }}>{DEFAULT_ERROR_MESSAGES.TOKEN_EXPIRED}</p>
      <button type="button" style={button} onClick={retry}>
        Reload dashboard
      </button>
    </div>
  );
}
