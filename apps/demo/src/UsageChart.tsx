/** Credits per tenant as horizontal bars, in inline SVG (no chart library, no external assets). */
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

const numberOf = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

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

const BAR = 26;
const GAP = 10;
const LABEL = 92;
const VALUE = 128;
const WIDTH = 400;

export function UsageChart({ rows }: { rows: readonly UsageRow[] }) {
  const totals = totalsByTenant(rows);
  if (totals.length === 0) return <p className="muted">No usage recorded yet: open a dashboard first.</p>;
  const max = Math.max(...totals.map((t) => t.credits), 1);
  const height = totals.length * (BAR + GAP);
  return (
    <svg
      className="usage-chart"
      role="img"
      aria-label="Credits used per tenant"
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      data-testid="usage-chart"
    >
      {totals.map((total, index) => {
        const y = index * (BAR + GAP);
        const width = Math.max(2, ((WIDTH - LABEL - VALUE) * total.credits) / max);
        return (
          <g key={total.tenantId} data-tenant={total.tenantId}>
            <text x={0} y={y + BAR * 0.68} className="chart-label">
              {total.tenantId}
            </text>
            <rect x={LABEL} y={y} width={width} height={BAR} rx={4} className="chart-bar" />
            <text x={LABEL + width + 8} y={y + BAR * 0.68} className="chart-value">
              {total.credits} credits · {total.requests} req
            </text>
          </g>
        );
      })}
    </svg>
  );
}
