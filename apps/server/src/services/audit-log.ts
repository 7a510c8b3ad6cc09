/**
 * Reading the token audit table: pages of issued tokens, newest first, and a summary of a time range. Pages
 * use keyset cursors (the last row's issue time and id), so a page stays right while new rows arrive and old
 * ones are pruned, and a deep page costs what the first one does. The table never held a token: only its
 * SHA-256, which lets an operator match a token they hold against its row.
 */
import { Op, QueryTypes, type Sequelize, type WhereOptions } from 'sequelize';
import { apiError } from '../errors.js';
import type { Models, TokenAudit } from '../db/models.js';

const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;
const SUMMARY_TOP_DEFAULT = 10;
export const SUMMARY_TOP_MAX = 100;
/** A summary without `from` covers the day before `to`. */
const SUMMARY_DEFAULT_SPAN_MS = 24 * 60 * 60 * 1000;

export interface AuditFilters {
  tenantId?: string;
  subject?: string;
  dashboardId?: string;
  /** Inclusive. */
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
  limit?: number;
  cursor?: string;
}

export interface AuditEntry {
  id: number;
  tenant_id: string;
  dashboard_id: string;
  subject: string;
  ip: string | null;
  user_agent: string | null;
  issued_at: string;
  expires_at: string;
  token_sha256: string;
}

export interface AuditPage {
  items: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

export interface AuditSummary {
  from: string;
  to: string;
  tokens: number;
  tenants: number;
  subjects: number;
  by_tenant: { tenant_id: string; tokens: number; subjects: number }[];
  by_subject: { subject: string; tokens: number; tenants: number }[];
  /** The subjects that reached the most distinct tenants: one user touching many tenants stands out here. */
  widest_subjects: { subject: string; tenants: number; tokens: number }[];
}

// The cursor is opaque to clients but not secret: base64url of `[issued_at ms, id]`.
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;

function encodeCursor(issuedAtMs: number, id: number): string {
  return Buffer.from(JSON.stringify([issuedAtMs, id])).toString('base64url');
}

function decodeCursor(text: string): { issuedAtMs: number; id: number } {
  const invalid = () => apiError('INVALID_CURSOR');
  if (!CURSOR.test(text)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !value.every((part) => Number.isSafeInteger(part) && (part as number) >= 0) ||
    encodeCursor(value[0] as number, value[1] as number) !== text
  )
    throw invalid();
  return { issuedAtMs: value[0] as number, id: value[1] as number };
}

function entry(row: TokenAudit): AuditEntry {
  return {
    id: Number(row.id),
    tenant_id: row.tenant_id,
    dashboard_id: row.dashboard_id,
    subject: row.subject,
    ip: row.ip,
    user_agent: row.user_agent,
    issued_at: new Date(row.issued_at).toISOString(),
    expires_at: new Date(row.expires_at).toISOString(),
    token_sha256: row.token_sha256,
  };
}

export class AuditLog {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly models: Models,
  ) {}

  async list(filters: AuditFilters): Promise<AuditPage> {
    const limit = filters.limit ?? AUDIT_PAGE_DEFAULT;
    const conditions: WhereOptions[] = [];
    if (filters.tenantId !== undefined) conditions.push({ tenant_id: filters.tenantId });
    if (filters.subject !== undefined) conditions.push({ subject: filters.subject });
    if (filters.dashboardId !== undefined) conditions.push({ dashboard_id: filters.dashboardId });
    if (filters.fromMs !== undefined) conditions.push({ issued_at: { [Op.gte]: new Date(filters.fromMs) } });
    if (filters.toMs !== undefined) conditions.push({ issued_at: { [Op.lt]: new Date(filters.toMs) } });
    if (filters.cursor !== undefined) {
      const after = decodeCursor(filters.cursor);
      const at = new Date(after.issuedAtMs);
      conditions.push({
        [Op.or]: [{ issued_at: { [Op.lt]: at } }, { issued_at: at, id: { [Op.lt]: after.id } }],
      });
    }
    const rows = await this.models.TokenAudit.findAll({
      where: { [Op.and]: conditions },
      order: [
        ['issued_at', 'DESC'],
        ['id', 'DESC'],
      ],
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(entry);
    const last = items.at(-1);
    return {
      items,
      next_cursor: rows.length > limit && last ? encodeCursor(Date.parse(last.issued_at), last.id) : null,
    };
  }

  async summary(range: { fromMs?: number; toMs?: number; top?: number }, now: number): Promise<AuditSummary> {
    const toMs = range.toMs ?? now;
    const fromMs = range.fromMs ?? toMs - SUMMARY_DEFAULT_SPAN_MS;
    if (fromMs >= toMs) throw apiError('INVALID_TIME_RANGE');
    const replacements = {
      from: new Date(fromMs),
      to: new Date(toMs),
      top: range.top ?? SUMMARY_TOP_DEFAULT,
    };
    const within = 'FROM token_audit WHERE issued_at >= :from AND issued_at < :to';
    const query = <T extends object>(sql: string) =>
      this.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
    // Counts come back as strings from PostgreSQL (bigint), as numbers from SQLite.
    const [totals, byTenant, bySubject, widest] = await Promise.all([
      query<{ tokens: unknown; tenants: unknown; subjects: unknown }>(
        `SELECT COUNT(*) AS tokens, COUNT(DISTINCT tenant_id) AS tenants, COUNT(DISTINCT subject) AS subjects ${within}`,
      ),
      query<{ tenant_id: string; tokens: unknown; subjects: unknown }>(
        `SELECT tenant_id, COUNT(*) AS tokens, COUNT(DISTINCT subject) AS subjects ${within}
         GROUP BY tenant_id ORDER BY tokens DESC, tenant_id ASC LIMIT :top`,
      ),
      query<{ subject: string; tokens: unknown; tenants: unknown }>(
        `SELECT subject, COUNT(*) AS tokens, COUNT(DISTINCT tenant_id) AS tenants ${within}
         GROUP BY subject ORDER BY tokens DESC, subject ASC LIMIT :top`,
      ),
      query<{ subject: string; tokens: unknown; tenants: unknown }>(
        `SELECT subject, COUNT(DISTINCT tenant_id) AS tenants, COUNT(*) AS tokens ${within}
         GROUP BY subject ORDER BY tenants DESC, tokens DESC, subject ASC LIMIT :top`,
      ),
    ]);
    const total = totals[0];
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      tokens: Number(total?.tokens ?? 0),
      tenants: Number(total?.tenants ?? 0),
      subjects: Number(total?.subjects ?? 0),
      by_tenant: byTenant.map((row) => ({
        tenant_id: row.tenant_id,
        tokens: Number(row.tokens),
        subjects: Number(row.subjects),
      })),
      by_subject: bySubject.map((row) => ({
        subject: row.subject,
        tokens: Number(row.tokens),
        tenants: Number(row.tenants),
      })),
      widest_subjects: widest.map((row) => ({
        subject: row.subject,
        tenants: Number(row.tenants),
        tokens: Number(row.tokens),
      })),
    };
  }
}
