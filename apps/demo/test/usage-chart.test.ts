import { describe, expect, it } from 'vitest';
import { totalsByTenant } from '../src/UsageChart';

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
