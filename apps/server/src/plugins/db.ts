/** The database: a Sequelize connection, migrated on start, exposed as `fastify.store`; closed with the app. */
import fp from 'fastify-plugin';
import type { Sequelize } from 'sequelize';
import { connect } from '../db/connect.js';
import { migrate } from '../db/migrations.js';
import { defineModels } from '../db/models.js';
import { Store } from '../services/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

export interface DbPluginOptions {
  databaseUrl: string;
  /** A connection owned by the caller (kept open on close); otherwise one is opened from `databaseUrl`. */
  sequelize?: Sequelize;
  migrate?: boolean;
}

export default fp<DbPluginOptions>(
  async (fastify, options) => {
    const owned = options.sequelize === undefined;
    const sequelize = options.sequelize ?? (await connect(options.databaseUrl));
    if (options.migrate !== false) {
      const applied = await migrate(sequelize);
      if (applied.length > 0) fastify.log.info({ migrations: applied }, 'database migrated');
    }
    fastify.decorate('store', new Store(sequelize, defineModels(sequelize)));
    if (owned) fastify.addHook('onClose', async () => sequelize.close());
  },
  { name: 'tenantdash-db', fastify: '5.x' },
);
