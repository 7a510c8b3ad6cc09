// The smallest host page for the clock-skew test: one <TenantDashboard>, its token endpoint and the user's
// bearer JWT taken from the query string (`tokenUrl`, `jwt`), so one build serves same- and cross-origin runs.
import { TenantDashboard } from '@tenantdash/react';
import { createRoot } from 'react-dom/client';

const params = new URLSearchParams(location.search);
const tokenUrl = params.get('tokenUrl') ?? '';
const jwt = params.get('jwt') ?? '';
const root = document.getElementById('root');
if (!root) throw new Error('#root is missing');
createRoot(root).render(
  <TenantDashboard
    tenantId="northwind"
    tokenUrl={tokenUrl}
    getHeaders={() => ({ authorization: `Bearer ${jwt}` })}
  />,
);
