import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TenantDashboard } from '../src/index.js';
import { advance, mintingFetch, newClient, setVisibility, useFakeClock, wrapperFor } from './helpers.js';

const preconnects = () =>
  [...document.head.querySelectorAll<HTMLLinkElement>('link[rel="preconnect"]')].map((link) => link.href);

beforeEach(() => {
  useFakeClock();
  setVisibility('visible');
  document.head.innerHTML = '';
});

describe('preconnect to the embed page', () => {
  it('opens the connection while the token is on its way, when settings name the embed page', async () => {
    const Wrapper = wrapperFor(newClient());
    const never = vi.fn(() => new Promise<never>(() => undefined));
    render(
      <Wrapper>
        <TenantDashboard
          tenantId="org-1"
          fetchToken={never}
          embedBaseUrl="https://pm.example.test/embedded/dashboard"
        />
      </Wrapper>,
    );
    await advance();
    expect(never).toHaveBeenCalledTimes(1);
    expect(preconnects()).toEqual(['https://pm.example.test/']);
  });

  it('remembers the origin of the first embed_url for the dashboards that follow', async () => {
    const first = render(
      <TenantDashboard tenantId="org-a" fetchToken={mintingFetch(3600)} queryClient={newClient()} />,
    );
    await advance();
    first.unmount();
    document.head.innerHTML = '';
    const never = vi.fn(() => new Promise<never>(() => undefined));
    render(<TenantDashboard tenantId="org-b" fetchToken={never} queryClient={newClient()} />);
    await advance();
    expect(preconnects()).toEqual(['https://embed.example.test/']);
  });
});
