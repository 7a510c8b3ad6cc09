/** Clock text for the token panel: `18:15:34`, 24-hour, the viewer's own time zone. */
export const clockText = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

/**
 * Whole seconds from `nowMs` until `atMs`, never below 0 and never above the token's own lifetime: a token
 * that lives 120 s never reads "in 121 s", whatever the rounding or a clock reading taken a moment early.
 */
export function secondsLeft(atMs: number, nowMs: number, lifetimeMs: number): number {
  const left = Math.ceil((atMs - nowMs) / 1000);
  return Math.max(0, Math.min(left, Math.round(lifetimeMs / 1000)));
}
