import { TenantDashboard, useEmbedToken, type TenantDashboardError } from '@tenantdash/react';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Session } from './session';

interface Props {
  session: Session;
  tenantId: string;
}

/** One tenant's embedded dashboard and, beside it, what its token is doing. Remounted per tenant. */
export function DashboardPanel({ session, tenantId }: Props) {
  return <Panel key={tenantId} session={session} tenantId={tenantId} />;
}

function Panel({ session, tenantId }: Props) {
  const [refreshes, setRefreshes] = useState(0);
  const [frameLoads, setFrameLoads] = useState(0);
  const [lastError, setLastError] = useState<string>();
  const getHeaders = useCallback(() => ({ authorization: `Bearer ${session.token}` }), [session.token]);
  const frameBox = useRef<HTMLDivElement>(null);

  return (
    <div className="dashboard-layout">
      <div className="dashboard-frame card" ref={frameBox}>
        <TenantDashboard
          tenantId={tenantId}
          getHeaders={getHeaders}
          title={`${tenantId} analytics dashboard`}
          onTokenRefresh={() => setRefreshes((n) => n + 1)}
          onLoad={() => setFrameLoads((n) => n + 1)}
          onError={(error: TenantDashboardError) => setLastError(error.code)}
        />
      </div>
      <TokenPanel
        frameBox={frameBox}
        tenantId={tenantId}
        getHeaders={getHeaders}
        refreshes={refreshes}
        frameLoads={frameLoads}
        lastError={lastError}
      />
    </div>
  );
}

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });
const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

interface TokenPanelProps {
  /** Holds the component; its `data-state` is read for display only. */
  frameBox: RefObject<HTMLDivElement | null>;
  tenantId: string;
  getHeaders: () => Record<string, string>;
  refreshes: number;
  frameLoads: number;
  lastError: string | undefined;
}

/**
 * Reads the dashboard's token from the shared query cache (same key, `enabled: false`): it never fetches,
 * so the panel cannot change what the dashboard does.
 */
function TokenPanel({ frameBox, tenantId, getHeaders, refreshes, frameLoads, lastError }: TokenPanelProps) {
  const { token } = useEmbedToken({ tenantId, getHeaders, enabled: false });
  const now = useNow();
  const state = frameBox.current?.querySelector<HTMLElement>('.tenantdash')?.dataset.state ?? '—';
  return (
    <aside className="token-panel card" aria-label="Embed token">
      <h2>Embed token</h2>
      <dl>
        <dt>Dashboard state</dt>
        <dd data-testid="dashboard-state">{state}</dd>
        <dt>Dashboard</dt>
        <dd>
          <code data-testid="dashboard-id">{token?.dashboardId ?? '—'}</code>
        </dd>
        <dt>Expires</dt>
        <dd data-testid="token-expires">
          {token ? <Moment at={token.schedule.expiresAtMs} now={now} /> : '—'}
        </dd>
        <dt>Refresh due</dt>
        <dd data-testid="token-next-refresh">
          {token ? <Moment at={token.schedule.refreshAtMs} now={now} /> : '—'}
        </dd>
        <dt>Refreshes</dt>
        <dd data-testid="refresh-count">{refreshes}</dd>
        <dt>Frame loads</dt>
        <dd data-testid="frame-loads">{frameLoads}</dd>
        <dt>Last error</dt>
        <dd data-testid="last-error">{lastError ?? 'none'}</dd>
      </dl>
      <p className="muted small">
        Tokens are minted by the token server for this tenant only and refreshed before they expire (a quarter
        of their lifetime ahead, at most five minutes). When the page speaks the message extension, fresh
        tokens are handed over without reloading the frame.
      </p>
    </aside>
  );
}

function Moment({ at, now }: { at: number; now: number }) {
  return (
    <>
      {clock(at)} <span className="muted">({at > now ? `in ${seconds(at - now)}` : 'passed'})</span>
    </>
  );
}
