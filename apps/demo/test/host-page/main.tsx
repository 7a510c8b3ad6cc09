// The smallest host page for the browser tests of the component (clock skew, errors): one <TenantDashboard>,
// its token endpoint and the user's bearer JWT taken from the query string (`tokenUrl`, `jwt`), so one build
// serves same- and cross-origin runs; the last error it reported (code, server code, message) in #last-error.
import { TenantDashboard } from '@tenantdash/react';
import { createRoot } from 'react-dom/client';

const params = new URLSearchParams(location.search);
const tokenUrl = params.get('tokenUrl') ?? '';
const jwt = params.get('jwt') ?? '';
const root = document.getElementById('root');
const lastError = document.getElementById('last-error');
if (!root || !lastError) throw new Error('#root or #last-error is missing');
createRoot(root).render(
  <TenantDashboard
    tenantId="northwind"
    tokenUrl={tokenUrl}
    getHeaders={() => ({ authorization: `Bearer ${jwt}` })}
    onError={(error) => {
      lastError.textContent = `${error.code} ${error.serverCode ?? '-'}: ${error.message}`;
    }}
  />,
);
