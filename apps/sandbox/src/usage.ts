/** Calendar-month bucket (UTC) for a clock reading, as `YYYY-MM`. */
export function periodOf(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear().toString().padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const PERIOD_PATTERN = /^[0-9]{4}-(0[1-9]|1[0-2])$/;
