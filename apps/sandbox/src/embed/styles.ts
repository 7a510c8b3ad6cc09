/** The page's stylesheet, inlined under the CSP nonce. System fonts only: no external asset. */
export function pageStyles(accent: string, accentSoft: string): string {
  return `
:root { --accent: ${accent}; --accent-soft: ${accentSoft}; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #f8fafc; color: #0f172a;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
#td-root { padding: 20px 24px 24px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 12px;
  margin-bottom: 18px; }
header.top h1 { font-size: 20px; margin: 0; }
header.top p { margin: 2px 0 0; color: #64748b; }
.badge { background: var(--accent-soft); color: var(--accent); border-radius: 999px; padding: 4px 10px;
  font-weight: 600; font-size: 12px; white-space: nowrap; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(180px, 100%), 1fr)); gap: 12px; margin-bottom: 12px; }
.tile, .card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; }
.tile { padding: 14px 16px; border-top: 3px solid var(--accent); }
.tile .label { color: #64748b; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 24px; font-weight: 700; margin: 4px 0; }
.tile .delta { font-size: 12px; font-weight: 600; }
.delta.up { color: #059669; } .delta.down { color: #dc2626; }
.spark { width: 100%; height: 32px; display: block; margin-top: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 12px; }
.card { padding: 14px 16px; }
.card h2 { font-size: 14px; margin: 0 0 8px; }
.chart { width: 100%; height: auto; display: block; }
.axis { font-size: 11px; fill: #64748b; } .value { font-size: 11px; fill: #334155; font-weight: 600; }
.legend { font-size: 13px; fill: #334155; } .strong { font-weight: 700; }
.centre { font-size: 20px; font-weight: 700; fill: #0f172a; }
footer { margin-top: 14px; color: #94a3b8; font-size: 12px; }
/* A phone-width host leaves the frame about 340 px: two KPI tiles a row, tighter padding, nothing wider. */
@media (max-width: 480px) {
  #td-root { padding: 12px; }
  header.top h1 { font-size: 18px; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .tile { padding: 10px 12px; }
  .tile .value { font-size: 20px; }
  .card { padding: 12px; }
  /* Charts scale down with their viewBox; larger user-unit text keeps their labels readable. */
  .chart .axis, .chart .value { font-size: 18px; }
  /* The first and last month labels are centred on the plot's edges: let them into the card's padding. */
  svg.chart { overflow: visible; }
  .legend { font-size: 18px; }
}
#td-expired { display: none; }
body.expired #td-expired { display: flex; position: fixed; inset: 0; align-items: center; justify-content: center;
  background: rgba(248, 250, 252, .94); font-size: 16px; font-weight: 600; color: #334155; }
.error { max-width: 560px; margin: 48px auto; background: #fff; border: 1px solid #fecaca; border-radius: 10px;
  padding: 24px 28px; }
.error h1 { color: #b91c1c; font-size: 20px; margin: 0 0 8px; }
.error code { background: #fef2f2; color: #991b1b; padding: 2px 6px; border-radius: 4px; }
`;
}
