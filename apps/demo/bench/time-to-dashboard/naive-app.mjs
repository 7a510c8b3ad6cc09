// (a) The React example of Papermap's iframe-token page, as the docs show it: fetch the token in useEffect,
// then render the iframe. Its URL is the answer's `embed_url` (the docs paste the token into Papermap's URL;
// the answer's URL is the same page with the same token).
import { createElement as h, useEffect, useState } from 'react';

export function NaiveApp({ tenantId, jwt }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    async function fetchToken() {
      const response = await fetch('/api/v1/dashboards/iframe-token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', authorization: `Bearer ${jwt}` },
        body: JSON.stringify({ tenant_id: tenantId }),
      });
      const data = await response.json();
      setUrl(data.embed_url);
    }
    void fetchToken();
  }, [tenantId, jwt]);
  if (!url) return h('div', null, 'Loading dashboard...');
  return h('iframe', { src: url, width: '100%', height: '600px', title: 'Dashboard' });
}
