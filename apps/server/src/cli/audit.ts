/** `audit`, `audit summary`, `audit prune`: the audit table from a shell, the same answers as the API's. */
import { parseArgs } from 'node:util';
import { apiError, MESSAGES } from '../errors.js';
import { AUDIT_PAGE_MAX, SUMMARY_TOP_MAX } from '../services/audit-log.js';
import { AuditRetention } from '../services/audit-retention.js';
import { parseRange } from '../services/time-range.js';
import { auditSettings } from '../settings/audit.js';
import { databaseSettings } from '../settings/database.js';
import type { Env } from '../settings/read.js';
import { withStore, type CliIo } from './store.js';
import { UsageError } from './usage.js';

function options(args: string[], names: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
    }).values as Record<string, string | undefined>;
  } catch {
    throw new UsageError('audit');
  }
}

function whole(text: string | undefined, max: number, message: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw apiError('VALIDATION_FAILED', message);
  return Number(text);
}

export async function auditCommand(args: string[], env: Env, io: CliIo, now: () => number): Promise<unknown> {
  const [mode, ...rest] = args;
  const database = () => databaseSettings(env);
  if (mode === 'prune') {
    if (rest.length > 0) throw new UsageError('audit');
    const { retentionDays } = auditSettings(env);
    // 0 keeps every row: no cutoff to print (a cutoff of now would read as "everything before now").
    if (retentionDays === 0) return { cutoff: null, deleted: 0, batches: 0, complete: true };
    return withStore(database(), io, (store) =>
      new AuditRetention(store.sequelize, { retentionDays, now }).pruneNow(),
    );
  }
  if (mode === 'summary') {
    const values = options(rest, ['from', 'to', 'top']);
    const range = parseRange(values.from, values.to);
    const top = whole(values.top, SUMMARY_TOP_MAX, `top must be a whole number from 1 to ${SUMMARY_TOP_MAX}`);
    return withStore(database(), io, (store) =>
      store.auditLog.summary({ ...range, ...(top !== undefined ? { top } : {}) }, now()),
    );
  }
  const values = options(args, ['tenant', 'subject', 'dashboard', 'from', 'to', 'limit', 'cursor']);
  const range = parseRange(values.from, values.to);
  const limit = whole(values.limit, AUDIT_PAGE_MAX, MESSAGES.auditLimit(AUDIT_PAGE_MAX));
  return withStore(database(), io, (store) =>
    store.auditLog.list({
      ...range,
      ...(values.tenant !== undefined ? { tenantId: values.tenant } : {}),
      ...(values.subject !== undefined ? { subject: values.subject } : {}),
      ...(values.dashboard !== undefined ? { dashboardId: values.dashboard } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(values.cursor !== undefined ? { cursor: values.cursor } : {}),
    }),
  );
}
