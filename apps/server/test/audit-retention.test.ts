/**
 * Audit retention on both engines, with an injected clock: exactly the rows issued before now − retention
 * go, in batches; 0 keeps everything; rounds run on the schedule; the CLI prunes the same; on PostgreSQL one
 * instance prunes at a time.
 */
import { describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { runCli } from '../src/cli/run.js';
import { AuditRetention, DAY_MS, type PruneResult } from '../src/services/audit-retention.js';
import { ENGINE, POSTGRES_URL, useTestStack } from './helper.js';

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const stack = useTestStack({ env: { AUDIT_RETENTION_DAYS: '30' }, app: { now: () => NOW } });

/** Audit rows issued at these ages (ms before NOW), through the real writer; answers their subjects. */
async function rowsAged(ages: number[], label = 'row'): Promise<string[]> {
  const subjects = ages.map((age, index) => `${label}-${index}-${age}`);
  await Promise.all(
    ages.map((age, index) =>
      stack.server.app.store.audit.record({
        id: null,
        tenant_id: 't',
        dashboard_id: 'd',
        subject: subjects[index]!,
        ip: null,
        user_agent: null,
        issued_at: new Date(NOW - age),
        expires_at: new Date(NOW - age + 3_600_000),
        token_sha256: 'f'.repeat(64),
      }),
    ),
  );
  return subjects;
}

/** The subjects of the rows left, sorted (rows written concurrently may take ids in any order). */
async function subjectsLeft(): Promise<string[]> {
  const rows = await stack.server.app.store.models.TokenAudit.findAll();
  return rows.map((row) => row.subject).sort();
}

async function clear(): Promise<void> {
  await stack.server.app.store.models.TokenAudit.destroy({ where: {} });
}

describe('a prune round', () => {
  it('deletes exactly the rows issued before now − AUDIT_RETENTION_DAYS', async () => {
    await clear();
    const [old, older, justDue, boundary, young] = await rowsAged([
      40 * DAY_MS,
      365 * DAY_MS,
      30 * DAY_MS + 1,
      30 * DAY_MS,
      DAY_MS,
    ]);
    const result = await stack.server.app.auditRetention.pruneNow();
    expect(result).toEqual({
      cutoff: new Date(NOW - 30 * DAY_MS).toISOString(),
      deleted: 3,
      batches: 1,
      complete: true,
    });
    expect(await subjectsLeft()).toEqual([boundary!, young!].sort());
    expect([old, older, justDue]).not.toContain(boundary);
    // Nothing left to do: a second round deletes nothing.
    expect((await stack.server.app.auditRetention.pruneNow()).deleted).toBe(0);
  });

  it('works through in batches, oldest first', async () => {
    await clear();
    const due = await rowsAged(
      Array.from({ length: 10 }, (_, i) => (31 + i) * DAY_MS),
      'due',
    );
    const kept = await rowsAged([DAY_MS, 2 * DAY_MS], 'kept');
    const retention = new AuditRetention(stack.server.app.store.sequelize, {
      retentionDays: 30,
      now: () => NOW,
      batchRows: 3,
      pauseMs: 0,
      restFactor: 0,
    });
    expect(await retention.pruneNow()).toMatchObject({ deleted: 10, batches: 4, complete: true });
    expect(await subjectsLeft()).toEqual([...kept].sort());
    expect(due).toHaveLength(10);
  });

  it('keeps every row when AUDIT_RETENTION_DAYS is 0, and schedules nothing', async () => {
    await clear();
    const rows = await rowsAged([10_000 * DAY_MS, DAY_MS]);
    const retention = new AuditRetention(stack.server.app.store.sequelize, {
      retentionDays: 0,
      now: () => NOW,
    });
    expect(retention.enabled).toBe(false);
    expect(await retention.pruneNow()).toMatchObject({ deleted: 0, batches: 0, complete: true });
    expect(await subjectsLeft()).toEqual([...rows].sort());
  });

  it('the CLI prunes the same rows (`audit prune`)', async () => {
    await clear();
    const [, kept] = await rowsAged([31 * DAY_MS, 29 * DAY_MS]);
    const out: string[] = [];
    const code = await runCli(
      ['audit', 'prune'],
      { ...stack.server.env, AUDIT_RETENTION_DAYS: '30' },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
      () => NOW,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({
      cutoff: new Date(NOW - 30 * DAY_MS).toISOString(),
      deleted: 1,
      batches: 1,
      complete: true,
    });
    expect(await subjectsLeft()).toEqual([kept]);
  });

  it('the CLI prints no cutoff and deletes nothing with AUDIT_RETENTION_DAYS=0', async () => {
    await clear();
    const rows = await rowsAged([10_000 * DAY_MS, DAY_MS]);
    const out: string[] = [];
    const code = await runCli(
      ['audit', 'prune'],
      { ...stack.server.env, AUDIT_RETENTION_DAYS: '0' },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
      () => NOW,
    );
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual({ cutoff: null, deleted: 0, batches: 0, complete: true });
    expect(await subjectsLeft()).toEqual([...rows].sort());
  });
});

describe('the schedule', () => {
  it('runs a first round after the delay, then one per interval, until stopped', async () => {
    await clear();
    const rounds: (PruneResult | { error: unknown })[] = [];
    let roundDone: () => void = () => undefined;
    const retention = new AuditRetention(stack.server.app.store.sequelize, {
      retentionDays: 30,
      now: () => NOW,
      onRound: (result) => {
        rounds.push(result);
        roundDone();
      },
    });
    const nextRound = () => new Promise<void>((resolve) => (roundDone = resolve));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await rowsAged([31 * DAY_MS]);
      retention.start(1000, 5000);
      await vi.advanceTimersByTimeAsync(999);
      expect(rounds).toEqual([]);
      let done = nextRound();
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(rounds).toEqual([expect.objectContaining({ deleted: 1, complete: true })]);

      await rowsAged([32 * DAY_MS, 33 * DAY_MS]);
      done = nextRound();
      await vi.advanceTimersByTimeAsync(5000);
      await done;
      expect(rounds).toHaveLength(2);
      expect(rounds[1]).toMatchObject({ deleted: 2 });

      await retention.stop();
      await rowsAged([34 * DAY_MS]);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(rounds).toHaveLength(2);
      expect(await subjectsLeft()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe.runIf(ENGINE === 'postgres')('several instances on one PostgreSQL database', () => {
  it('prune one at a time: a round ends at once while another instance holds the lock', async () => {
    await clear();
    await rowsAged([31 * DAY_MS, 32 * DAY_MS]);
    const schema = new URL(stack.server.env.DATABASE_URL!).searchParams.get('options')!.split('=').at(-1)!;
    const other = new pg.Client({ connectionString: POSTGRES_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('tenantdash-audit-prune:' || $1::text))`, [
        schema,
      ]);
      expect(await stack.server.app.auditRetention.pruneNow()).toMatchObject({
        deleted: 0,
        batches: 0,
        complete: false,
      });
      expect(await subjectsLeft()).toHaveLength(2);
      await other.query('COMMIT');
      expect(await stack.server.app.auditRetention.pruneNow()).toMatchObject({ deleted: 2, complete: true });
    } finally {
      await other.end();
    }
  });
});
