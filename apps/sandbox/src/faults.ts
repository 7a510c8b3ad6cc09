import { apiError, MESSAGES } from './errors.js';

/**
 * Fault injection for the two upstream API routes (a tenantdash extension, not Papermap behaviour):
 * - slow: wait `delay_ms`, then answer normally;
 * - error: answer `status` (5xx) with a generic body, nothing is stored;
 * - drop: destroy the connection without an answer, nothing is stored;
 * - malformed: do the work, then answer 200 with a body that is not JSON;
 * - alt-envelope: do the work, answer the dashboard under `data.data` (the docs' other shape).
 */
export const FAULT_MODES = ['none', 'slow', 'error', 'drop', 'malformed', 'alt-envelope'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSettings {
  mode: FaultMode;
  delay_ms?: number;
  status?: number;
  /** How many upstream requests the fault still applies to; absent = until reset. */
  remaining?: number;
}

export const DEFAULT_FAULT_DELAY_MS = 2000;
export const MAX_FAULT_DELAY_MS = 120_000;
export const DEFAULT_FAULT_STATUS = 503;

function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** Validates a fault description from config or the admin endpoint (400 INVALID_FAULT on bad input). */
export function parseFaultSettings(raw: unknown): FaultSettings {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw apiError('INVALID_FAULT');
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!['mode', 'delay_ms', 'status', 'remaining'].includes(key)) {
      throw apiError('INVALID_FAULT', MESSAGES.faultField(key));
    }
  }
  if (!FAULT_MODES.includes(input.mode as FaultMode)) {
    throw apiError('INVALID_FAULT', MESSAGES.faultMode(FAULT_MODES));
  }
  const settings: FaultSettings = { mode: input.mode as FaultMode };
  if (input.delay_ms !== undefined) {
    if (!isWhole(input.delay_ms, 0, MAX_FAULT_DELAY_MS)) {
      throw apiError('INVALID_FAULT', MESSAGES.faultDelay(MAX_FAULT_DELAY_MS));
    }
    settings.delay_ms = input.delay_ms;
  }
  if (input.status !== undefined) {
    if (!isWhole(input.status, 500, 599)) throw apiError('INVALID_FAULT', MESSAGES.faultStatus);
    settings.status = input.status;
  }
  if (input.remaining !== undefined) {
    if (!isWhole(input.remaining, 1, Number.MAX_SAFE_INTEGER)) {
      throw apiError('INVALID_FAULT', MESSAGES.faultRemaining);
    }
    settings.remaining = input.remaining;
  }
  return settings;
}

/** The live switch: one per sandbox instance. */
export class FaultState {
  private current: FaultSettings;

  constructor(initial: FaultSettings) {
    this.current = { ...initial };
  }

  get settings(): FaultSettings {
    return { ...this.current };
  }

  set(settings: FaultSettings): void {
    this.current = { ...settings };
  }

  reset(): void {
    this.current = { mode: 'none' };
  }

  /** The fault for the request now arriving (consuming one of `remaining`), or undefined. */
  take(): FaultSettings | undefined {
    if (this.current.mode === 'none') return undefined;
    const taken = { ...this.current };
    if (this.current.remaining !== undefined) {
      this.current.remaining -= 1;
      if (this.current.remaining <= 0) this.reset();
    }
    return taken;
  }
}
