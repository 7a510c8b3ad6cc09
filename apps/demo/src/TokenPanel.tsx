import { useEmbedToken } from '@tenantdash/react';
import { useEffect, useState, type RefObject } from 'react';
import { describeState, useDashboardState } from './dashboard-state';
import { clockText, secondsLeft } from './token-time';

export interface LastError {
  code: string;
  /** Local time it was reported: a token received after it means the dashboard recovered. */
  at: number;
}

interface Props {
  /** Holds the component; its `data-state` is followed for display only. */
  frameBox: RefObject<HTMLDivElement | null>;
  tenantId: string;
  getHeaders: () => Record<string, string>;
  refreshes: number;
  frameLoads: number;
  lastError: LastError | undefined;
}

/** Re-renders once a second, for the countdowns. */
function useTick(intervalMs = 1000): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
}

/**
 * Reads the dashboard's token from the shared query cache (same key, `enabled: false`): it never fetches,
 * so the panel cannot change what the dashboard does.
 */
export function TokenPanel({ frameBox, tenantId, getHeaders, refreshes, frameLoads, lastError }: Props) {
  const { token } = useEmbedToken({ tenantId, getHeaders, enabled: false });
  const state = useDashboardState(frameBox);
  useTick();
  // Read at render time: a clock kept in state can be up to a tick old right after a new token arrives.
  const now = Date.now();
  const error = lastError && !(token && token.receivedAt > lastError.at) ? lastError.code : undefined;
  const text = describeState(state, error);
  const lifetime = token ? token.schedule.expiresAtMs - token.receivedAt : 0;

  return (
    <aside className="token-panel card" aria-label="Embed token">
      <div className="token-panel-head">
        <h2>Embed token</h2>
        <span className={`state-pill ${text.tone}`} data-testid="dashboard-state" data-state={state ?? ''}>
          {text.label}
        </span>
      </div>
      <p className="state-detail" data-testid="dashboard-state-detail">
        {text.detail}
      </p>
      <dl>
        {/* The id on a row of its own; without a token, a dash in line like the other empty values. */}
        <div className={token ? 'wide' : undefined}>
          <dt>Dashboard</dt>
          <dd>{token ? <code data-testid="dashboard-id">{token.dashboardId}</code> : '—'}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd data-testid="token-expires">
            {token ? <Moment at={token.schedule.expiresAtMs} now={now} lifetime={lifetime} /> : '—'}
          </dd>
        </div>
        <div>
          <dt>Refresh due</dt>
          <dd data-testid="token-next-refresh">
            {token ? <Moment at={token.schedule.refreshAtMs} now={now} lifetime={lifetime} /> : '—'}
          </dd>
        </div>
        <div>
          <dt>Refreshes</dt>
          <dd data-testid="refresh-count">{refreshes}</dd>
        </div>
        <div>
          <dt>Frame loads</dt>
          <dd data-testid="frame-loads">{frameLoads}</dd>
        </div>
        <div>
          <dt>Last error</dt>
          <dd data-testid="last-error" className={error ? 'error' : undefined}>
            {error ?? 'none'}
          </dd>
        </div>
      </dl>
      <p className="muted small">
        Tokens are minted by the token server for this tenant only and refreshed before they expire (a quarter
        of their lifetime ahead, at most five minutes). When the page speaks the message extension, fresh
        tokens are handed over without reloading the frame.
      </p>
    </aside>
  );
}

function Moment({ at, now, lifetime }: { at: number; now: number; lifetime: number }) {
  return (
    <span className="moment">
      {clockText(at)}{' '}
      <span className="muted">{at > now ? `in ${secondsLeft(at, now, lifetime)} s` : 'passed'}</span>
    </span>
  );
}
