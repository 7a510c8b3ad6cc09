import { TenantDashboard, type TenantDashboardError } from '@tenantdash/react';
import { useCallback, useRef, useState } from 'react';
import type { Session } from './session';
import { TokenPanel, type LastError } from './TokenPanel';

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
  const [lastError, setLastError] = useState<LastError>();
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
          onError={(error: TenantDashboardError) => setLastError({ code: error.code, at: Date.now() })}
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
