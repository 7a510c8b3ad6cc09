import { Group } from '@visx/group';
import { useParentSize } from '@visx/responsive';
import { scaleBand, scaleLinear } from '@visx/scale';
import { TooltipWithBounds, useTooltip } from '@visx/tooltip';
import {
  creditsText,
  periodLabel,
  requestsText,
  usageSeries,
  type UsagePoint,
  type UsageRow,
} from './usage-data';

export { totalsByTenant, type TenantTotal, type UsageRow } from './usage-data';

// Distinct at a glance and at least 4.5:1 against white, so bars read without their legend too.
const COLORS = ['#4f46e5', '#0e7490', '#b45309', '#be185d', '#047857', '#7c3aed', '#475569'];
const HEIGHT = 240;
const MARGIN = { top: 24, right: 8, bottom: 40, left: 44 };
/** Wider bars read as a different kind of chart; a group never grows past this per tenant. */
const MAX_BAR = 36;

interface Tip {
  point: UsagePoint;
  color: string;
}

/** Credits per tenant and month: grouped bars, a credits axis, month labels, a legend and a tooltip. */
export function UsageChart({ rows }: { rows: readonly UsageRow[] }) {
  const { parentRef, width } = useParentSize({ initialSize: { width: 560, height: HEIGHT } });
  const tip = useTooltip<Tip>();
  const series = usageSeries(rows);
  if (series.tenants.length === 0) {
    return <p className="muted">No usage recorded yet: open a dashboard first.</p>;
  }

  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const color = (tenantId: string) =>
    COLORS[series.tenants.findIndex((t) => t.tenantId === tenantId) % COLORS.length] as string;
  const x = scaleBand({
    domain: series.periods,
    range: [0, innerWidth],
    paddingInner: 0.3,
    paddingOuter: 0.15,
  });
  const groupWidth = Math.min(x.bandwidth(), series.tenants.length * MAX_BAR);
  const inGroup = scaleBand({
    domain: series.tenants.map((t) => t.tenantId),
    range: [(x.bandwidth() - groupWidth) / 2, (x.bandwidth() + groupWidth) / 2],
    padding: 0.15,
  });
  const y = scaleLinear({ domain: [0, Math.max(4, series.maxCredits)], range: [innerHeight, 0], nice: true });
  const ticks = y.ticks(4).filter(Number.isInteger);

  const show = (point: UsagePoint, left: number, top: number) =>
    tip.showTooltip({
      tooltipData: { point, color: color(point.tenantId) },
      tooltipLeft: left,
      tooltipTop: top,
    });

  return (
    <div className="usage" ref={parentRef}>
      <svg
        className="usage-chart"
        data-testid="usage-chart"
        width={width}
        height={HEIGHT}
        role="group"
        aria-label="Credits used per tenant and month"
      >
        <text className="chart-unit" x={MARGIN.left - 8} y={12} textAnchor="end" aria-hidden="true">
          credits
        </text>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {ticks.map((tick) => (
            <g key={tick} className="chart-tick" aria-hidden="true">
              <line x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} className="chart-grid" />
              <text x={-8} y={y(tick)} dy="0.32em" textAnchor="end" className="chart-axis">
                {tick.toLocaleString('en-US')}
              </text>
            </g>
          ))}
          <line x1={0} x2={innerWidth} y1={innerHeight} y2={innerHeight} className="chart-baseline" />
          {series.periods.map((period) => {
            const { month, year } = periodLabel(period);
            return (
              <text
                key={period}
                className="chart-period"
                data-period={period}
                x={(x(period) ?? 0) + x.bandwidth() / 2}
                y={innerHeight + 16}
                textAnchor="middle"
              >
                <tspan>{month}</tspan>
                <tspan x={(x(period) ?? 0) + x.bandwidth() / 2} dy="1.2em" className="chart-year">
                  {year}
                </tspan>
              </text>
            );
          })}
          {series.tenants.map(({ tenantId }) => (
            <g key={tenantId} data-tenant={tenantId} fill={color(tenantId)}>
              {series.points
                .filter((p) => p.tenantId === tenantId && p.credits > 0)
                .map((point) => {
                  const left = (x(point.period) ?? 0) + (inGroup(tenantId) ?? 0);
                  const top = y(point.credits);
                  const { month, year } = periodLabel(point.period);
                  const anchor = () =>
                    show(point, MARGIN.left + left + inGroup.bandwidth() / 2, MARGIN.top + top);
                  return (
                    <rect
                      key={point.period}
                      data-period={point.period}
                      x={left}
                      y={top}
                      width={inGroup.bandwidth()}
                      height={Math.max(0, innerHeight - top)}
                      rx={3}
                      tabIndex={0}
                      role="img"
                      aria-label={`${tenantId}, ${month} ${year}: ${creditsText(point.credits)}, ${requestsText(point.requests)}`}
                      onMouseEnter={anchor}
                      onFocus={anchor}
                      onMouseLeave={tip.hideTooltip}
                      onBlur={tip.hideTooltip}
                    />
                  );
                })}
            </g>
          ))}
        </Group>
      </svg>
      {tip.tooltipOpen && tip.tooltipData && (
        <TooltipWithBounds
          left={tip.tooltipLeft}
          top={tip.tooltipTop}
          className="usage-tooltip"
          data-testid="usage-tooltip"
          unstyled
          applyPositionStyle
        >
          <TipContent {...tip.tooltipData} />
        </TooltipWithBounds>
      )}
      <ul className="usage-legend" aria-label="Totals per tenant">
        {series.tenants.map((total) => (
          <li key={total.tenantId}>
            <span className="swatch" style={{ background: color(total.tenantId) }} aria-hidden="true" />
            <strong>{total.tenantId}</strong> {creditsText(total.credits)} · {requestsText(total.requests)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function TipContent({ point, color }: Tip) {
  const { month, year } = periodLabel(point.period);
  return (
    <>
      <div className="usage-tooltip-title">
        <span className="swatch" style={{ background: color }} aria-hidden="true" />
        {point.tenantId} · {month} {year}
      </div>
      <div>
        {creditsText(point.credits)} · {requestsText(point.requests)}
      </div>
    </>
  );
}
