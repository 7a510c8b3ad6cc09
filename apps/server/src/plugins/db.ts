/**
 * The database: a Sequelize connection, migrated on start, exposed as `fastify.store` (queries, the token
 * endpoint's lookups cached in `fastify.caches.mint`, the audit writer) and `fastify.auditRetention`. On close
 * it waits for the requests in flight (plugins/shutdown.ts), then writes the pending audit rows, then closes
 * the connection it opened.
 */
import fp from 'fastify-plugin';
import type { Sequelize } from 'sequelize';
import { openDatabase } from '../db/connect.js';
import { migrate } from '../db/migrations.js';
import { defineModels } from '../db/models.js';
import { AuditRetention, type PruneResult } from '../services/audit-retention.js';
import { failureKind } from '../services/failure-log.js';
import { Store } from '../services/store.js';

const pruneLogFields = (result: PruneResult) => ({
  deleted: result.deleted,
  batches: result.batches,
  cutoff: result.cutoff,
  complete: result.complete,
});

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** Prunes audit rows past the retention period, hourly, off the request path. */
    auditRetention: AuditRetention;
  }
}

export interface DbPluginOptions {
  databaseUrl: string;
  /** A connection owned by the caller (kept open on close); otherwise one is opened from `databaseUrl`. */
  sequelize?: Sequelize;
  migrate?: boolean;
  poolMax?: number;
  mintCacheTtlMs?: number;
  /** Audit rows older than this are pruned (0: kept forever). */
  auditRetentionDays?: number;
  now?: () => number;
}

export default fp<DbPluginOptions>(
  async (fastify, options) => {
    const owned = options.sequelize === undefined;
    const sequelize =
      options.sequelize ??
      (await openDatabase(options.databaseUrl, { ...(options.poolMax ? { poolMax: options.poolMax } : {}) }));
    if (options.migrate !== false) {
      const applied = await migrate(sequelize);
      if (applied.length > 0) fastify.log.info({ migrations: applied }, 'database migrated');
    }
    const store = new Store(sequelize, defineModels(sequelize), {
      mintCacheTtlMs: options.mintCacheTtlMs ?? 0,
      cache: fastify.caches.mint,
    });
    fastify.decorate('store', store);
    const retention = new AuditRetention(sequelize, {
      retentionDays: options.auditRetentionDays ?? 0,
      now: options.now ?? Date.now,
      onRound: (result) => {
        if ('error' in result)
          fastify.log.warn({ failure: failureKind(result.error) }, 'audit prune failed; retried next round');
        else fastify.log.info(pruneLogFields(result), 'audit rows pruned');
      },
    });
    fastify.decorate('auditRetention', retention);
    fastify.addHook('onReady', async () => retention.start());

    // Fastify runs this onClose before its HTTP server has finished the requests in flight: wait for them
    // (bounded), then write the pending audit rows, then close the connection.
    fastify.addHook('onClose', async () => {
      await fastify.requestsSettled();
      await retention.stop();
      await store.audit.flush();
      if (owned) await sequelize.close();
    });
  },
  { name: 'tenantdash-db', fastify: '5.x', dependencies: ['tenantdash-caches', 'tenantdash-shutdown'] },
);
