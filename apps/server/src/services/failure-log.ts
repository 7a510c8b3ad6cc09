/**
 * Warnings about a dependency that keeps failing (Redis down: every request fails the same way). The first
 * failure is logged at once, then at most one line per interval with how many were folded into it, so an
 * outage costs a handful of log lines instead of one per request.
 */
import type { FastifyBaseLogger } from 'fastify';

const FAILURE_LOG_INTERVAL_MS = 10_000;

export type FailureLog = (error: unknown) => void;

/** A failure's driver code or class name, never its message (which may quote a key or a value). */
export function failureKind(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : 'unknown';
}

export function failureLog(
  log: FastifyBaseLogger,
  message: string,
  intervalMs = FAILURE_LOG_INTERVAL_MS,
  now: () => number = Date.now,
): FailureLog {
  let lastLoggedAt = -Infinity;
  let folded = 0;
  return (error) => {
    const at = now();
    if (at - lastLoggedAt < intervalMs) {
      folded++;
      return;
    }
    log.warn({ failure: failureKind(error), similar_since_last: folded }, message);
    lastLoggedAt = at;
    folded = 0;
  };
}
