import { render, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TenantDashboard, TenantDashProvider, useEmbedToken } from '../src/index.js';
import { mintingFetch, newClient, statusAnswer } from './helpers.js';

// Real timers and a real fetch through msw/node: the default token endpoint path, end to end in jsdom.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const nowS = () => Math.floor(Date.now() / 1000);

describe('default token endpoint', () => {
  it('POSTs to /api/v1/dashboards/iframe-token and builds the URL with core when embed_url is absent', async () => {
    const seen: unknown[] = [];
    server.use(
      http.post('*/api/v1/dashboards/iframe-token', async ({ request }) => {
        seen.push({ body: await request.json(), auth: request.headers.get('authorization') });
        return HttpResponse.json(
          { token: 'abc=', dashboard_id: 'dash-7', expires_at: nowS() + 3600 },
          { headers: { 'cache-control': 'no-store' } },
        );
      }),
    );
    render(
      <TenantDashProvider
        queryClient={newClient()}
        workspaceId="ws_demo"
        embedBaseUrl="http://127.0.0.1:4010/embedded/dashboard"
        getHeaders={() => ({ authorization: 'Bearer app-session' })}
      >
        <TenantDashboard tenantId="acme" dashboardId="dash-7" />
      </TenantDashProvider>,
    );
    const frame = await screen.findByTitle('Analytics dashboard');
    expect(frame.getAttribute('src')).toBe(
      'http://127.0.0.1:4010/embedded/dashboard?embedded-token=abc%3D&workspace-id=ws_demo&dashboard-id=dash-7',
    );
    expect(seen).toEqual([
      { body: { tenant_id: 'acme', dashboard_id: 'dash-7' }, auth: 'Bearer app-session' },
    ]);
  });

  it('uses a configured tokenUrl', async () => {
    server.use(
      http.post('http://tokens.test/embed', () =>
        HttpResponse.json({
          token: 't',
          dashboard_id: 'd',
          expires_at: nowS() + 600,
          embed_url: 'https://e.test/x',
        }),
      ),
    );
    render(<TenantDashboard tenantId="acme" tokenUrl="http://tokens.test/embed" queryClient={newClient()} />);
    expect((await screen.findByTitle('Analytics dashboard')).getAttribute('src')).toBe('https://e.test/x');
  });
});

describe('TenantDashProvider', () => {
  it('shares settings, and props override them', async () => {
    const shared = mintingFetch(3600);
    const own = mintingFetch(3600);
    const client = newClient();
    render(
      <TenantDashProvider fetchToken={shared} queryClient={client}>
        <TenantDashboard tenantId="a" title="A" />
        <TenantDashProvider maxRetries={0}>
          <TenantDashboard tenantId="b" title="B" fetchToken={own} />
        </TenantDashProvider>
      </TenantDashProvider>,
    );
    await screen.findByTitle('A');
    await screen.findByTitle('B');
    expect(shared).toHaveBeenCalledTimes(1);
    expect(own).toHaveBeenCalledTimes(1);
    expect(client.getQueryCache().getAll()).toHaveLength(2);
  });

  it('honours maxRetries', async () => {
    const fetchToken = vi.fn(async () => statusAnswer(503));
    function Probe() {
      const { status, error } = useEmbedToken({
        tenantId: 'x',
        fetchToken,
        maxRetries: 0,
        queryClient: newClient(),
      });
      return <p>{`${status} ${error?.code ?? ''}`}</p>;
    }
    render(<Probe />);
    expect(await screen.findByText('error TOKEN_FETCH_FAILED')).toBeTruthy();
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });
});
