/** How long audit rows are kept. */
import { type Env, integer } from './read.js';

export interface AuditSettings {
  /** Rows older than this many days are pruned; 0 keeps them forever. */
  retentionDays: number;
}

const DEFAULT_AUDIT_RETENTION_DAYS = 90;

export function auditSettings(env: Env): AuditSettings {
  return { retentionDays: integer(env, 'AUDIT_RETENTION_DAYS', DEFAULT_AUDIT_RETENTION_DAYS, 0, 36_500) };
}
