import { describe, expect, it } from 'vitest';
import { totalsByTenant } from '../src/UsageChart';
import { creditsText, periodLabel, requestsText, shiftPeriod, usageSeries } from '../src/usage-data';

describe('totalsByTenant', () => {
  it('sums credits and requests per tenant across months, largest first, skipping rows without a tenant', () => {
    expect(
      totalsByTenant([
        { tenant_id: 'northwind', period: '2026-10', credits_used: 4, request_count: 2 },
        { tenant_id: 'contoso', period: '2026-10', credits_used: 10, request_count: 1 },
        { tenant_id: 'northwind', period: '2026-11', credits_used: 8, request_count: 4, extra: 'kept' },
        { period: '2026-11', credits_used: 99 },
        { tenant_id: 'fabrikam', credits_used: 'n/a' },
      ]),
    ).toEqual([
      { tenantId: 'northwind', credits: 12, requests: 6 },
      { tenantId: 'contoso', credits: 10, requests: 1 },
      { tenantId: 'fabrikam', credits: 0, requests: 0 },
    ]);
  });
});

describe('usageSeries', () => {
  const rows = [
    { tenant_id: 'northwind', period: '2026-11', credits_used: 12, request_count: 6 },
    { tenant_id: 'contoso', period: '2026-11', credits_used: 20, request_count: 9 },
    { tenant_id: 'northwind', period: '2026-09', credits_used: 3, request_count: 1 },
    { tenant_id: 'northwind', period: '2026-11', credits_used: 1, request_count: 1 },
    // Outside the six months that end with the latest one: in no bar and no total.
    { tenant_id: 'fabrikam', period: '2026-05', credits_used: 99, request_count: 9 },
    { tenant_id: 'contoso', period: 'last month', credits_used: 50 },
    { period: '2026-11', credits_used: 7 },
  ];

  it('spans six consecutive months ending with the latest, zero where a tenant used nothing', () => {
    const series = usageSeries(rows);
    expect(series.periods).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(series.tenants).toEqual([
      { tenantId: 'contoso', credits: 20, requests: 9 },
      { tenantId: 'northwind', credits: 16, requests: 8 },
    ]);
    expect(series.points).toHaveLength(12);
    expect(series.points.filter((p) => p.credits > 0)).toEqual([
      { period: '2026-09', tenantId: 'northwind', credits: 3, requests: 1 },
      { period: '2026-11', tenantId: 'contoso', credits: 20, requests: 9 },
      { period: '2026-11', tenantId: 'northwind', credits: 13, requests: 7 },
    ]);
    expect(series.maxCredits).toBe(20);
  });

  it('crosses a year boundary and has nothing to show without a dated row', () => {
    expect(usageSeries([{ tenant_id: 'a', period: '2027-02', credits_used: 1 }], 4).periods).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(usageSeries([{ tenant_id: 'a', credits_used: 5 }])).toEqual({
      periods: [],
      tenants: [],
      points: [],
      maxCredits: 0,
    });
  });
});

describe('labels and units', () => {
  it('names months in UTC, and counts credits and requests with their unit', () => {
    expect(periodLabel('2026-01')).toEqual({ month: 'Jan', year: '2026' });
    expect(periodLabel('2026-12')).toEqual({ month: 'Dec', year: '2026' });
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(creditsText(1)).toBe('1 credit');
    expect(creditsText(1250)).toBe('1,250 credits');
    expect(requestsText(0)).toBe('0 requests');
  });
});
