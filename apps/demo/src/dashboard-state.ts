import { useEffect, useState, type RefObject } from 'react';

/** Follows the `data-state` of the `<TenantDashboard>` inside `box` as it changes (display only). */
export function useDashboardState(box: RefObject<HTMLElement | null>): string | undefined {
  const [state, setState] = useState<string>();
  useEffect(() => {
    const root = box.current;
    if (!root) return;
    const read = () => setState(root.querySelector<HTMLElement>('.tenantdash')?.dataset.state);
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { subtree: true, childList: true, attributeFilter: ['data-state'] });
    return () => observer.disconnect();
  }, [box]);
  return state;
}

export interface StateText {
  label: string;
  /** What it means for the person looking at the dashboard. */
  detail: string;
  tone: 'ok' | 'busy' | 'warn' | 'bad';
}

/** The component's state in words; a disabled tenant is named as such, not as a generic error. */
export function describeState(state: string | undefined, errorCode: string | undefined): StateText {
  switch (state) {
    case 'ready':
      return { label: 'Ready', detail: 'The dashboard is up to date.', tone: 'ok' };
    case 'refreshing':
      return { label: 'Refreshing', detail: 'Fetching the next token; the dashboard stays.', tone: 'busy' };
    case 'refresh-failed':
      return {
        label: 'Refresh failed',
        detail: 'The current token still works; retrying before it expires.',
        tone: 'warn',
      };
    case 'expired':
      return { label: 'Expired', detail: 'The token expired and no new one could be had.', tone: 'bad' };
    case 'error':
      return errorCode === 'TENANT_DISABLED'
        ? {
            label: 'Tenant disabled',
            detail: 'An administrator turned analytics off for this tenant: no new tokens.',
            tone: 'bad',
          }
        : { label: 'Error', detail: 'The dashboard could not be shown.', tone: 'bad' };
    default:
      return { label: 'Loading', detail: 'Fetching a token for this tenant.', tone: 'busy' };
  }
}
