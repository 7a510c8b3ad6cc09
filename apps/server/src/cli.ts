/**
 * Operator commands: `migrate`, `provision <tenant> <name>`, `mint-token <tenant> [dashboard]`,
 * `decode-token <token>`, `list-tenants`. Reads the same environment (+ .env) as the server.
 * Output is JSON on stdout; errors are one line on stderr and a non-zero exit code.
 */
import { randomUUID } from 'node:crypto';
import { decodeEmbedToken } from '@tenantdash/core';
import { loadConfig, loadDotEnv, SettingError, type ServerConfig } from './config.js';
import { connect } from './db/connect.js';
import { migrate } from './db/migrations.js';
import { defineModels } from './db/models.js';
import { ApiError } from './errors.js';
import { PapermapClient } from './services/papermap-client.js';
import { provisionDashboard } from './services/provision.js';
import { redisClient } from './plugins/redis.js';
import { RedisCache, type SharedCache } from './services/shared-cache.js';
import { Store } from './services/store.js';
import { mintEmbedToken } from './services/tokens.js';

export const USAGE = `usage: tenantdash <command>
  migrate                          apply pending database migrations
  provision <tenant> <name>        create a Papermap dashboard for a tenant and store the mapping
  mint-token <tenant> [dashboard]  mint an embed token (audited, subject "cli") for debugging
  decode-token <token>             print a token's claims, signature masked (does not verify it)
  list-tenants                     list tenants with their dashboard counts`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Shows enough of a signature to compare two tokens by eye, never enough to reuse it. */
export function maskSignature(signature: string): string {
  return `${signature.slice(0, 6)}…(${signature.length} hex chars)`;
}

/**
 * With `REDIS_URL`, the instances' shared cache, so a tenant provisioned here is seen by every running
 * instance at once; without Redis reachable the command still runs (their cached lookups of this tenant
 * expire within MINT_CACHE_TTL_MS) and says so.
 */
async function sharedCache(config: ServerConfig, io: CliIo): Promise<{ cache?: SharedCache; close(): void }> {
  if (!config.redis) return { close: () => undefined };
  const client = redisClient({
    ...config.redis,
    connectTimeoutMs: Math.min(config.redis.connectTimeoutMs, 2000),
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch {
    client.disconnect();
    io.err('warning: Redis not reachable; running instances see this change within MINT_CACHE_TTL_MS');
    return { close: () => undefined };
  }
  const cache = new RedisCache(client, () => undefined);
  return { cache, close: () => client.disconnect() };
}

async function withStore<T>(config: ServerConfig, io: CliIo, run: (store: Store) => Promise<T>): Promise<T> {
  const sequelize = await connect(config.databaseUrl);
  const shared = await sharedCache(config, io);
  try {
    await migrate(sequelize);
    return await run(
      new Store(sequelize, defineModels(sequelize), shared.cache ? { cache: shared.cache } : {}),
    );
  } finally {
    shared.close();
    await sequelize.close();
  }
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const [command, ...rest] = args;
  const print = (value: unknown) => io.out(JSON.stringify(value, null, 2));
  try {
    if (command === 'decode-token') {
      if (rest.length !== 1) throw new ApiError(400, 'BAD_REQUEST', 'decode-token takes one token');
      const claims = decodeEmbedToken(rest[0]);
      print({
        ...claims,
        signature: maskSignature(claims.signature),
        expires: new Date(claims.valid_until * 1000).toISOString(),
      });
      return 0;
    }
    if (!['migrate', 'provision', 'mint-token', 'list-tenants'].includes(command ?? '')) {
      io.err(USAGE);
      return 2;
    }
    const config = loadConfig(env);
    if (command === 'migrate') {
      const sequelize = await connect(config.databaseUrl);
      try {
        print({ applied: await migrate(sequelize) });
      } finally {
        await sequelize.close();
      }
      return 0;
    }
    if (command === 'list-tenants') {
      print({ tenants: await withStore(config, io, (store) => store.listTenants()) });
      return 0;
    }
    if (command === 'provision') {
      const [tenantId, name] = rest;
      if (tenantId === undefined || name === undefined || rest.length !== 2) {
        throw new ApiError(400, 'BAD_REQUEST', 'provision takes <tenant> <name>');
      }
      if (!config.idPattern.test(tenantId))
        throw new ApiError(400, 'VALIDATION_FAILED', 'tenant id does not match ID_PATTERN');
      if (name.length === 0 || name.length > 200)
        throw new ApiError(400, 'VALIDATION_FAILED', 'name must be 1 to 200 characters');
      const client = new PapermapClient({ ...config.papermap, ...config.upstream });
      const result = await withStore(config, io, (store) =>
        provisionDashboard(
          store,
          client,
          { tenant_id: tenantId, name, description: null, make_default: false },
          `cli-${randomUUID()}`,
        ),
      );
      print(result.body);
      return 0;
    }
    const [tenantId, dashboardId] = rest;
    if (tenantId === undefined || rest.length > 2)
      throw new ApiError(400, 'BAD_REQUEST', 'mint-token takes <tenant> [dashboard]');
    const issued = await withStore(config, io, (store) =>
      mintEmbedToken(store, config, {
        tenantId,
        ...(dashboardId !== undefined ? { dashboardId } : {}),
        subject: 'cli',
      }),
    );
    print(issued);
    return 0;
  } catch (error) {
    if (error instanceof SettingError) io.err(`configuration error: ${error.message}`);
    else if (error instanceof ApiError) io.err(`${error.code}: ${error.message}`);
    else if (error instanceof Error && 'code' in error && typeof error.code === 'string')
      io.err(`${error.code}: ${error.message}`);
    else io.err('unexpected error');
    return 1;
  }
}

// Run as a program (`tsx src/cli.ts …`), not when imported by tests.
if (
  process.argv[1] !== undefined &&
  import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href
) {
  loadDotEnv();
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
