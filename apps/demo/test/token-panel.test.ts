// The token panel's words and numbers, without a browser: countdowns and what each state is called.
import { describe, expect, it } from 'vitest';
import { describeState } from '../src/dashboard-state';
import { secondsLeft } from '../src/token-time';

describe('secondsLeft', () => {
  it('never shows more than the token lives, even from a clock read a moment early', () => {
    // A 120 s token received at 10 000; the panel's clock reading is 900 ms older than the token.
    expect(secondsLeft(130_000, 9_100, 120_000)).toBe(120);
    expect(secondsLeft(130_000, 10_000, 120_000)).toBe(120);
    expect(secondsLeft(130_000, 10_001, 120_000)).toBe(120);
    expect(secondsLeft(130_000, 11_000, 120_000)).toBe(119);
    expect(secondsLeft(130_000, 129_999, 120_000)).toBe(1);
    expect(secondsLeft(130_000, 130_000, 120_000)).toBe(0);
    expect(secondsLeft(130_000, 140_000, 120_000)).toBe(0);
    // `expires_in` counted from the request's start: a lifetime a little under 120 s still reads 120.
    expect(secondsLeft(129_700, 9_900, 119_700)).toBe(120);
  });
});

describe('describeState', () => {
  it('names a disabled tenant as such, and every other state in words', () => {
    expect(describeState('error', 'TENANT_DISABLED')).toMatchObject({
      label: 'Tenant disabled',
      tone: 'bad',
    });
    expect(describeState('error', 'FORBIDDEN')).toMatchObject({ label: 'Error', tone: 'bad' });
    expect(describeState('ready', undefined)).toMatchObject({ label: 'Ready', tone: 'ok' });
    expect(describeState('refreshing', undefined)).toMatchObject({ label: 'Refreshing', tone: 'busy' });
    expect(describeState('refresh-failed', 'TOKEN_FETCH_FAILED')).toMatchObject({
      label: 'Refresh failed',
      tone: 'warn',
    });
    expect(describeState('expired', undefined)).toMatchObject({ label: 'Expired', tone: 'bad' });
    expect(describeState(undefined, undefined)).toMatchObject({ label: 'Loading', tone: 'busy' });
  });
});
