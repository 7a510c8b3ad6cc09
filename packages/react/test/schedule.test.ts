import { describe, expect, it } from 'vitest';
import {
  computeTokenSchedule,
  DEFAULT_REFRESH_MARGIN_MS,
  MIN_REFRESH_DELAY_MS,
  SRC_SWAP_LEAD_MS,
  UNKNOWN_SKEW_LIFETIME_MS,
} from '../src/schedule.js';

const MIN = 60_000;
const NOW = 1_700_000_000_000;
const S = NOW / 1000;

describe('computeTokenSchedule', () => {
  it('refreshes an hour-long token five minutes before expiry and swaps the src 15 s before', () => {
    const s = computeTokenSchedule({ expiresAt: S + 3600, receivedAt: NOW });
    expect(s).toEqual({
      skewMs: 0,
      source: 'local-clock',
      expiresAtMs: NOW + 3_600_000,
      refreshAtMs: NOW + 3_600_000 - DEFAULT_REFRESH_MARGIN_MS,
      swapSrcAtMs: NOW + 3_600_000 - SRC_SWAP_LEAD_MS,
    });
  });

  it('scales the margin down to a quarter of a short lifetime', () => {
    const s = computeTokenSchedule({ expiresAt: S + 120, receivedAt: NOW });
    expect(s.refreshAtMs).toBe(NOW + 90_000);
    expect(s.swapSrcAtMs).toBe(NOW + 120_000 - SRC_SWAP_LEAD_MS);
  });

  it('halves the swap lead when the margin is shorter than two leads', () => {
    const s = computeTokenSchedule({ expiresAt: S + 40, receivedAt: NOW });
    expect(s.refreshAtMs).toBe(NOW + 30_000);
    expect(s.swapSrcAtMs).toBe(NOW + 35_000);
  });

  it('honours a configured margin', () => {
    const s = computeTokenSchedule({ expiresAt: S + 3600, receivedAt: NOW, marginMs: 60_000 });
    expect(s.refreshAtMs).toBe(NOW + 3_540_000);
  });

  it('never refreshes sooner than MIN_REFRESH_DELAY_MS after arrival', () => {
    const s = computeTokenSchedule({ expiresAt: S + 6, receivedAt: NOW });
    expect(s.refreshAtMs).toBe(NOW + MIN_REFRESH_DELAY_MS);
    expect(s.swapSrcAtMs).toBeGreaterThanOrEqual(s.refreshAtMs);
    expect(s.swapSrcAtMs).toBeLessThan(s.expiresAtMs);
  });

  it('moves the schedule by the skew between the server Date header and the local clock', () => {
    // The browser runs 10 minutes ahead of the server.
    const ahead = computeTokenSchedule({
      expiresAt: S + 3600 - 600,
      serverDate: NOW - 600_000,
      receivedAt: NOW,
    });
    expect(ahead.skewMs).toBe(600_000);
    expect(ahead.expiresAtMs).toBe(NOW + 3_600_000);
    expect(ahead.refreshAtMs).toBe(NOW + 3_300_000);
    // The browser runs 10 minutes behind.
    const behind = computeTokenSchedule({ expiresAt: S + 4200, serverDate: NOW + 600_000, receivedAt: NOW });
    expect(behind.skewMs).toBe(-600_000);
    expect(behind.expiresAtMs).toBe(NOW + 3_600_000);
  });

  it('ignores differences below the Date header resolution and unreadable dates', () => {
    expect(computeTokenSchedule({ expiresAt: S + 60, serverDate: NOW - 999, receivedAt: NOW }).skewMs).toBe(
      0,
    );
    expect(computeTokenSchedule({ expiresAt: S + 60, serverDate: Number.NaN, receivedAt: NOW }).skewMs).toBe(
      0,
    );
  });

  it('refreshes at once a token the server clock (Date) says is dead on arrival', () => {
    const s = computeTokenSchedule({ expiresAt: S - 10, serverDate: NOW, receivedAt: NOW });
    expect(s.source).toBe('date-header');
    expect(s.refreshAtMs).toBe(NOW);
  });

  it.each([
    ['15 min ahead', 15 * MIN],
    ['15 min behind', -15 * MIN],
    ['2 h ahead', 120 * MIN],
    ['2 h behind', -120 * MIN],
  ])('schedules from expires_in whatever the local clock says (%s)', (_name, skew) => {
    // The server issued the token at its NOW with 120 s to live; the browser's clock reads NOW + skew.
    const requestedAt = NOW + skew;
    const receivedAt = requestedAt + 300;
    const s = computeTokenSchedule({
      expiresAt: S + 120,
      expiresIn: 120,
      requestedAt,
      // A Date header that disagrees is not used when expires_in is there.
      serverDate: NOW + 99 * MIN,
      receivedAt,
    });
    expect(s.source).toBe('expires_in');
    // Counted from when the request left: never later than the real expiry, on the local clock.
    expect(s.expiresAtMs).toBe(requestedAt + 120_000);
    expect(s.skewMs).toBe(skew);
    // A quarter of what is left on arrival.
    expect(s.refreshAtMs).toBe(requestedAt + 120_000 - (120_000 - 300) / 4);
  });

  it('gives a token the local clock alone calls dead UNKNOWN_SKEW_LIFETIME_MS instead of refusing it', () => {
    const s = computeTokenSchedule({ expiresAt: S - 900, receivedAt: NOW });
    expect(s.source).toBe('assumed');
    expect(s.expiresAtMs).toBe(NOW + UNKNOWN_SKEW_LIFETIME_MS);
    expect(s.refreshAtMs).toBe(NOW + UNKNOWN_SKEW_LIFETIME_MS * 0.75);
  });
});
