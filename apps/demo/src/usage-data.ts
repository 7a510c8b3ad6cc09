/** Credit usage rows as the token server relays them from Papermap, shaped for the usage chart. */
export interface UsageRow {
  tenant_id?: unknown;
  period?: unknown;
  credits_used?: unknown;
  request_count?: unknown;
  [field: string]: unknown;
}

export interface TenantTotal {
  tenantId: string;
  credits: number;
  requests: number;
}

export interface UsagePoint {
  period: string;
  tenantId: string;
  credits: number;
  requests: number;
}

export interface UsageSeries {
  /** `months` consecutive months, oldest first, ending with the latest month that has usage. */
  periods: string[];
  /** Totals over those months, largest first: the legend's and each month's bar order. */
  tenants: TenantTotal[];
  /** One per period and tenant (zero where a tenant used nothing that month). */
  points: UsagePoint[];
  /** The largest credits of any one point. */
  maxCredits: number;
}

const numberOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Papermap does not document the usage item fields: read them loosely, skip rows without a tenant. */
export function totalsByTenant(rows: readonly UsageRow[]): TenantTotal[] {
  const totals = new Map<string, TenantTotal>();
  for (const row of rows) {
    if (typeof row.tenant_id !== 'string' || row.tenant_id === '') continue;
    const total = totals.get(row.tenant_id) ?? { tenantId: row.tenant_id, credits: 0, requests: 0 };
    total.credits += numberOf(row.credits_used);
    total.requests += numberOf(row.request_count);
    totals.set(row.tenant_id, total);
  }
  return [...totals.values()].sort((a, b) => b.credits - a.credits || a.tenantId.localeCompare(b.tenantId));
}

/** `2026-11` and `-2` → `2026-09`. */
export function shiftPeriod(period: string, months: number): string {
  const [year = 0, month = 1] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Per tenant and month over a fixed window of `months` (months without usage show as zero, so the time axis
 * reads as one). Rows without a tenant or a valid `YYYY-MM` period are skipped.
 */
export function usageSeries(rows: readonly UsageRow[], months = 6): UsageSeries {
  const cells = new Map<string, UsagePoint>();
  for (const row of rows) {
    if (typeof row.tenant_id !== 'string' || row.tenant_id === '') continue;
    if (typeof row.period !== 'string' || !PERIOD.test(row.period)) continue;
    const key = `${row.period}\u0000${row.tenant_id}`;
    const cell = cells.get(key) ?? { period: row.period, tenantId: row.tenant_id, credits: 0, requests: 0 };
    cell.credits += numberOf(row.credits_used);
    cell.requests += numberOf(row.request_count);
    cells.set(key, cell);
  }
  const latest = [...cells.values()]
    .map((c) => c.period)
    .sort()
    .at(-1);
  if (latest === undefined) return { periods: [], tenants: [], points: [], maxCredits: 0 };
  const periods = Array.from({ length: months }, (_, i) => shiftPeriod(latest, i - months + 1));
  const shown = [...cells.values()].filter((c) => c.period >= (periods[0] as string));
  const tenants = totalsByTenant(
    shown.map((c) => ({ tenant_id: c.tenantId, credits_used: c.credits, request_count: c.requests })),
  );
  const points = periods.flatMap((period) =>
    tenants.map(
      ({ tenantId }) =>
        cells.get(`${period}\u0000${tenantId}`) ?? { period, tenantId, credits: 0, requests: 0 },
    ),
  );
  return { periods, tenants, points, maxCredits: Math.max(0, ...points.map((p) => p.credits)) };
}

/** `2026-11` → `{ month: 'Nov', year: '2026' }` (calendar months are UTC in Papermap's accounting). */
export function periodLabel(period: string): { month: string; year: string } {
  const [year = '', month = '1'] = period.split('-');
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, 1));
  return { month: date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }), year };
}

/** `12 credits`, `1 credit`, `1,250 credits`. */
export const creditsText = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'credit' : 'credits'}`;
export const requestsText = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'request' : 'requests'}`;
