// (b) and (c): <TenantDashboard>, configured as its README recommends (the embed page named, so the browser
// connects to it while the token loads), and the same hydrated with a token the server prefetched. Written with
// createElement: the server renders (c) in Node without a JSX transform.
import { HydrationBoundary, QueryClientProvider } from '@tanstack/react-query';
import { TenantDashboard } from '@tenantdash/react';
import { createElement as h } from 'react';

const dashboard = ({ tenantId, jwt, embedBaseUrl }) =>
  h(TenantDashboard, {
    tenantId,
    userKey: 'bench-user',
    getHeaders: () => ({ authorization: `Bearer ${jwt}` }),
    embedBaseUrl,
  });

export function ComponentApp(props) {
  return h(QueryClientProvider, { client: props.client }, dashboard(props));
}

export function PrefetchedApp(props) {
  return h(
    QueryClientProvider,
    { client: props.client },
    h(HydrationBoundary, { state: props.state }, dashboard(props)),
  );
}
