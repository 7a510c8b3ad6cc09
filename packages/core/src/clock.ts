import { ConfigError } from './errors.js';

/** A clock in milliseconds since the epoch, like `Date.now`; injected so tests can freeze time. */
export type Clock = () => number;

export function readClock(now: Clock | undefined): number {
  const ms = (now ?? Date.now)();
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ConfigError('now() must return a finite, non-negative number of milliseconds');
  }
  return ms;
}
