/**
 * Deterministic sample data for one (workspace, tenant, dashboard): the same inputs always draw the same
 * dashboard, and different tenants draw visibly different ones (numbers, shapes and accent colour).
 */

export interface Kpi {
  label: string;
  value: string;
  deltaPercent: number;
  spark: number[];
}

export interface Slice {
  label: string;
  value: number;
}

export interface Palette {
  name: string;
  accent: string;
  accentSoft: string;
  series: string[];
}

export interface DashboardData {
  palette: Palette;
  kpis: Kpi[];
  months: string[];
  revenue: number[];
  orders: number[];
  regions: Slice[];
  plans: Slice[];
  products: Slice[];
}

const PALETTES: Palette[] = [
  {
    name: 'indigo',
    accent: '#4f46e5',
    accentSoft: '#e0e7ff',
    series: ['#4f46e5', '#06b6d4', '#f59e0b', '#10b981', '#ef4444'],
  },
  {
    name: 'emerald',
    accent: '#059669',
    accentSoft: '#d1fae5',
    series: ['#059669', '#3b82f6', '#eab308', '#a855f7', '#f97316'],
  },
  {
    name: 'rose',
    accent: '#e11d48',
    accentSoft: '#ffe4e6',
    series: ['#e11d48', '#8b5cf6', '#14b8a6', '#f59e0b', '#0ea5e9'],
  },
  {
    name: 'amber',
    accent: '#d97706',
    accentSoft: '#fef3c7',
    series: ['#d97706', '#2563eb', '#16a34a', '#db2777', '#7c3aed'],
  },
  {
    name: 'sky',
    accent: '#0284c7',
    accentSoft: '#e0f2fe',
    series: ['#0284c7', '#f43f5e', '#84cc16', '#f59e0b', '#6366f1'],
  },
  {
    name: 'violet',
    accent: '#7c3aed',
    accentSoft: '#ede9fe',
    series: ['#7c3aed', '#10b981', '#f97316', '#0ea5e9', '#e11d48'],
  },
];

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const REGIONS = ['N. America', 'Europe', 'APAC', 'LATAM', 'MEA'];
const PLANS = ['Starter', 'Growth', 'Business', 'Enterprise'];
const PRODUCTS = ['Analytics Pro', 'Data Connectors', 'Team Seats', 'Priority Support', 'Storage Add-on'];

/** FNV-1a over UTF-16 code units: a stable 32-bit seed from text. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast, good enough for sample data. */
export function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(random: () => number, min: number, max: number): number {
  return min + (max - min) * random();
}

function walk(random: () => number, start: number, steps: number, drift: number, noise: number): number[] {
  const out: number[] = [];
  let value = start;
  for (let i = 0; i < steps; i++) {
    value = Math.max(start * 0.2, value * (1 + drift + between(random, -noise, noise)));
    out.push(Math.round(value));
  }
  return out;
}

function percentChange(series: number[]): number {
  const last = series[series.length - 1] ?? 0;
  const previous = series[series.length - 2] ?? last;
  return previous === 0 ? 0 : Math.round(((last - previous) / previous) * 1000) / 10;
}

function money(value: number): string {
  if (value >= 1_000_000) return `$${(value / 1_000_000).toFixed(2)}M`;
  if (value >= 1_000) return `$${(value / 1_000).toFixed(1)}k`;
  return `$${value.toFixed(0)}`;
}

function count(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}k` : value.toLocaleString('en-US');
}

function slices(random: () => number, labels: string[], min: number, max: number): Slice[] {
  return labels.map((label) => ({ label, value: Math.round(between(random, min, max)) }));
}

/** Twelve month labels ending with the month of `nowMs` (UTC). */
export function monthLabels(nowMs: number): string[] {
  const now = new Date(nowMs);
  const labels: string[] = [];
  for (let back = 11; back >= 0; back--) {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    labels.push(MONTH_NAMES[date.getUTCMonth()] as string);
  }
  return labels;
}

export function dashboardData(
  workspaceId: string,
  tenantId: string,
  dashboardId: string,
  nowMs: number,
): DashboardData {
  const seed = hashText(`${workspaceId}\u0000${tenantId}\u0000${dashboardId}`);
  const random = randomFrom(seed);
  const palette = PALETTES[hashText(tenantId) % PALETTES.length] as Palette;
  const scale = 10 ** Math.floor(between(random, 3, 6));
  const revenue = walk(random, between(random, 2, 9) * scale, 12, between(random, -0.03, 0.08), 0.12);
  const orders = walk(random, between(random, 40, 900), 12, between(random, -0.02, 0.06), 0.15);
  const users = walk(random, between(random, 150, 25_000), 12, between(random, -0.01, 0.05), 0.08);
  const conversion = walk(random, between(random, 120, 650), 12, 0, 0.1); // basis points
  const aov = revenue.map((r, i) => Math.round(r / Math.max(1, orders[i] ?? 1)));
  const last = <T>(series: T[]): T => series[series.length - 1] as T;
  return {
    palette,
    kpis: [
      {
        label: 'Revenue (this month)',
        value: money(last(revenue)),
        deltaPercent: percentChange(revenue),
        spark: revenue,
      },
      { label: 'Active users', value: count(last(users)), deltaPercent: percentChange(users), spark: users },
      {
        label: 'Conversion rate',
        value: `${(last(conversion) / 100).toFixed(2)}%`,
        deltaPercent: percentChange(conversion),
        spark: conversion,
      },
      { label: 'Avg. order value', value: money(last(aov)), deltaPercent: percentChange(aov), spark: aov },
    ],
    months: monthLabels(nowMs),
    revenue,
    orders,
    regions: slices(random, REGIONS, 5, 100),
    plans: slices(random, PLANS, 5, 60),
    products: slices(random, PRODUCTS, 10, 100).sort((a, b) => b.value - a.value),
  };
}
