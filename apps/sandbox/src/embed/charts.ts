import { escapeHtml } from './html.js';
import type { Palette, Slice } from './seeded-data.js';

// Inline SVG charts: presentation attributes only (no style attributes), so the page's CSP needs no
// 'unsafe-inline'. Every chart scales with its container through its viewBox.

const round = (n: number): number => Math.round(n * 10) / 10;

function niceMax(values: number[]): number {
  const max = Math.max(1, ...values);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / magnitude) * magnitude;
}

function shortNumber(value: number): string {
  if (value >= 1_000_000) return `${round(value / 1_000_000)}M`;
  if (value >= 1_000) return `${round(value / 1_000)}k`;
  return String(value);
}

export function sparkline(values: number[], color: string): string {
  const w = 120;
  const h = 32;
  const min = Math.min(...values);
  const span = Math.max(1, Math.max(...values) - min);
  const points = values
    .map(
      (v, i) =>
        `${round((i / Math.max(1, values.length - 1)) * w)},${round(h - 2 - ((v - min) / span) * (h - 4))}`,
    )
    .join(' ');
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" aria-hidden="true"><polyline points="${points}" fill="none" stroke="${color}" stroke-width="2" vector-effect="non-scaling-stroke" stroke-linejoin="round" stroke-linecap="round"/></svg>`;
}

/** Area + line chart over labelled points, with a light grid and y-axis ticks. */
export function areaChart(labels: string[], values: number[], palette: Palette, title: string): string {
  const w = 560;
  const h = 240;
  const pad = { left: 44, right: 12, top: 12, bottom: 28 };
  const max = niceMax(values);
  const x = (i: number) => pad.left + (i / Math.max(1, values.length - 1)) * (w - pad.left - pad.right);
  const y = (v: number) => pad.top + (1 - v / max) * (h - pad.top - pad.bottom);
  const line = values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ');
  const area = `${round(x(0))},${round(y(0))} ${line} ${round(x(values.length - 1))},${round(y(0))}`;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const gy = round(y(max * f));
      return `<line x1="${pad.left}" x2="${w - pad.right}" y1="${gy}" y2="${gy}" stroke="#e5e7eb" stroke-width="1"/><text class="axis" x="${pad.left - 6}" y="${gy + 4}" text-anchor="end">${shortNumber(max * f)}</text>`;
    })
    .join('');
  const ticks = labels
    .map(
      (label, i) =>
        `<text class="axis" x="${round(x(i))}" y="${h - 8}" text-anchor="middle">${escapeHtml(label)}</text>`,
    )
    .join('');
  const dots = values
    .map(
      (v, i) =>
        `<circle cx="${round(x(i))}" cy="${round(y(v))}" r="3" fill="#fff" stroke="${palette.accent}" stroke-width="2"/>`,
    )
    .join('');
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">${grid}<polygon points="${area}" fill="${palette.accentSoft}"/><polyline points="${line}" fill="none" stroke="${palette.accent}" stroke-width="2.5" stroke-linejoin="round"/>${dots}${ticks}</svg>`;
}

/** Vertical bars, one colour per category. */
export function barChart(items: Slice[], palette: Palette, title: string): string {
  const w = 560;
  const h = 240;
  const pad = { left: 36, right: 12, top: 16, bottom: 32 };
  const max = niceMax(items.map((s) => s.value));
  const slot = (w - pad.left - pad.right) / items.length;
  const barW = slot * 0.6;
  const bars = items
    .map((s, i) => {
      const bh = ((h - pad.top - pad.bottom) * s.value) / max;
      const bx = pad.left + i * slot + (slot - barW) / 2;
      const by = h - pad.bottom - bh;
      const color = palette.series[i % palette.series.length] as string;
      return (
        `<rect x="${round(bx)}" y="${round(by)}" width="${round(barW)}" height="${round(bh)}" rx="4" fill="${color}"/>` +
        `<text class="value" x="${round(bx + barW / 2)}" y="${round(by - 4)}" text-anchor="middle">${s.value}</text>` +
        `<text class="axis" x="${round(bx + barW / 2)}" y="${h - 12}" text-anchor="middle">${escapeHtml(s.label)}</text>`
      );
    })
    .join('');
  const base = `<line x1="${pad.left}" x2="${w - pad.right}" y1="${h - pad.bottom}" y2="${h - pad.bottom}" stroke="#d1d5db"/>`;
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">${base}${bars}</svg>`;
}

/** Donut with a legend of shares. */
export function donutChart(items: Slice[], palette: Palette, title: string): string {
  const w = 560;
  const h = 240;
  const cx = 130;
  const cy = 120;
  const r = 90;
  const inner = 54;
  const total = Math.max(
    1,
    items.reduce((sum, s) => sum + s.value, 0),
  );
  let angle = -Math.PI / 2;
  const arcs = items
    .map((s, i) => {
      const sweep = (s.value / total) * Math.PI * 2;
      const end = angle + sweep;
      const large = sweep > Math.PI ? 1 : 0;
      const p = (a: number, radius: number) =>
        `${round(cx + radius * Math.cos(a))},${round(cy + radius * Math.sin(a))}`;
      const d = `M${p(angle, r)} A${r},${r} 0 ${large} 1 ${p(end, r)} L${p(end, inner)} A${inner},${inner} 0 ${large} 0 ${p(angle, inner)} Z`;
      angle = end;
      return `<path d="${d}" fill="${palette.series[i % palette.series.length]}" stroke="#fff" stroke-width="2"/>`;
    })
    .join('');
  const legend = items
    .map((s, i) => {
      const ly = 60 + i * 32;
      const share = Math.round((s.value / total) * 100);
      return (
        `<rect x="270" y="${ly - 11}" width="14" height="14" rx="3" fill="${palette.series[i % palette.series.length]}"/>` +
        `<text class="legend" x="292" y="${ly}">${escapeHtml(s.label)}</text>` +
        `<text class="legend strong" x="530" y="${ly}" text-anchor="end">${share}%</text>`
      );
    })
    .join('');
  const centre = `<text class="centre" x="${cx}" y="${cy + 6}" text-anchor="middle">${total}</text>`;
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">${arcs}${centre}${legend}</svg>`;
}

/** Horizontal ranked bars. */
export function rankedBars(items: Slice[], palette: Palette, title: string): string {
  const w = 560;
  const rowH = 40;
  const h = items.length * rowH + 8;
  const max = niceMax(items.map((s) => s.value));
  const rows = items
    .map((s, i) => {
      const ry = 8 + i * rowH;
      const bw = ((w - 200) * s.value) / max;
      return (
        `<text class="legend" x="0" y="${ry + 18}">${escapeHtml(s.label)}</text>` +
        `<rect x="150" y="${ry + 4}" width="${w - 200}" height="20" rx="4" fill="#f3f4f6"/>` +
        `<rect x="150" y="${ry + 4}" width="${round(bw)}" height="20" rx="4" fill="${palette.accent}" fill-opacity="${round(1 - i * 0.15)}"/>` +
        `<text class="legend strong" x="${w}" y="${ry + 18}" text-anchor="end">${s.value}</text>`
      );
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">${rows}</svg>`;
}
