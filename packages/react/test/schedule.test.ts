import { describe, expect, it } from 'vitest';
import {
  computeTokenSchedule,
  DEFAULT_REFRESH_MARGIN_MS,
  MIN_REFRESH_DELAY_MS,
  SRC_SWAP_LEAD_MS,
} from '../src/schedule.js';

const NOW = 1_700_000_000_000;
const S = NOW / 1000;

describe('computeTokenSchedule', () => {
  it('refreshes an hour-long token five minutes before expiry and swaps the src 15 s before', () => {
    const s = computeTokenSchedule({ expiresAt: S + 3600, receivedAt: NOW });
    expect(s).toEqual({
      skewMs: 0,
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

  it('refreshes at once a token that is already dead on arrival', () => {
    const s = computeTokenSchedule({ expiresAt: S - 10, receivedAt: NOW });
    expect(s.refreshAtMs).toBe(NOW);
  });
});
