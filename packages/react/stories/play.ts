import { expect, waitFor, within } from 'storybook/test';
import type { TenantDashboardState } from '../src/index.js';

/** Mocked token answers take ~300 ms; a browser under test load can take a few seconds more. */
const SETTLE = { timeout: 10_000, interval: 50 };

/** Every `<TenantDashboard>` root in the story, once all of them show `state`. */
export async function settlesInto(canvasElement: HTMLElement, state: TenantDashboardState) {
  return waitFor(() => {
    const roots = [...canvasElement.querySelectorAll<HTMLElement>('.tenantdash')];
    expect(roots.length).toBeGreaterThan(0);
    expect(roots.map((root) => root.dataset.state)).toEqual(roots.map(() => state));
    return roots;
  }, SETTLE);
}

/** The dashboard is on screen: a frame with the given accessible name, loading a URL with a token. */
export async function showsFrame(root: HTMLElement, title: string) {
  const frame = within(root).getByTitle(title);
  await expect(frame.tagName).toBe('IFRAME');
  await expect(frame.getAttribute('src')).toMatch(/[?&]embedded-token=[^&]+/);
  return frame as HTMLIFrameElement;
}

/** An alert with exactly this text and a button: what the end user reads and can press. */
export async function showsAlert(root: HTMLElement, text: string, button: string) {
  const alert = within(root).getByRole('alert');
  await expect(alert.querySelector('p')?.textContent ?? alert.textContent).toBe(text);
  await expect(within(alert).getByRole('button', { name: button })).toBeEnabled();
  return alert;
}
