/** Instants in queries (`from`, `to`): RFC 3339 timestamps, or a date meaning its midnight UTC. */
import { apiError, MESSAGES } from '../errors.js';

/** What the API schema and the CLI accept; the date must also exist (no 2026-02-30). */
export const INSTANT_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';
const INSTANT = new RegExp(INSTANT_PATTERN);

/** Milliseconds since the epoch, or an error naming the field (never echoing the value). */
function parseInstant(field: string, text: string): number {
  const problem = () => apiError('VALIDATION_FAILED', MESSAGES.instant(field));
  if (!INSTANT.test(text)) throw problem();
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  // Date.parse rolls impossible dates over (Feb 30th → Mar 2nd); the round trip catches that.
  const day = Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms) || Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== text.slice(0, 10))
    throw problem();
  return ms;
}

export interface TimeRange {
  /** Inclusive. */
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
}

export function parseRange(from: string | undefined, to: string | undefined): TimeRange {
  const range: TimeRange = {};
  if (from !== undefined) range.fromMs = parseInstant('from', from);
  if (to !== undefined) range.toMs = parseInstant('to', to);
  if (range.fromMs !== undefined && range.toMs !== undefined && range.fromMs >= range.toMs)
    throw apiError('INVALID_TIME_RANGE');
  return range;
}
