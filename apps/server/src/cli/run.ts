/**
 * The operator commands behind `tenantdash-server <command>` (bin.ts starts the server itself). Each command
 * reads only the settings it uses, so `migrate` needs a database and nothing else. Output is JSON on stdout;
 * an error is one `CODE: message` line on stderr and exit code 1; wrong arguments print the command's usage
 * and exit 2.
 */
import { randomUUID } from 'node:crypto';
import { decodeEmbedToken } from '@tenantdash/core';
import { migrate } from '../db/migrations.js';
import { ApiError, apiError, MESSAGES } from '../errors.js';
import { PapermapClient } from '../services/papermap-client.js';
import { provisionDashboard } from '../services/provision.js';
import { mintEmbedToken } from '../services/tokens.js';
import { Workspaces } from '../services/workspaces.js';
import { databaseSettings } from '../settings/database.js';
import { idPatternSetting } from '../settings/id-pattern.js';
import { embedTokenTtlSeconds, papermapSettings, upstreamSettings } from '../settings/papermap.js';
import { type Env, SettingError } from '../settings/read.js';
import { redisSettings } from '../settings/redis.js';
import { auditCommand } from './audit.js';
import { devJwt } from './dev-jwt.js';
import { withDatabase, withStore, type CliIo } from './store.js';
import { COMMAND_USAGE, isCommand, USAGE, UsageError, type Command } from './usage.js';

export type { CliIo };

/** Shows enough of a signature to compare two tokens by eye, never enough to reuse it. */
export function maskSignature(signature: string): string {
  return `${signature.slice(0, 6)}…(${signature.length} hex chars)`;
}

const HELP = new Set(['--help', '-h']);

async function run(
  command: Command,
  args: string[],
  env: Env,
  io: CliIo,
  now: () => number,
): Promise<unknown> {
  switch (command) {
    case 'decode-token': {
      if (args.length !== 1) throw new UsageError(command);
      const claims = decodeEmbedToken(args[0]!);
      return {
        ...claims,
        signature: maskSignature(claims.signature),
        expires: new Date(claims.valid_until * 1000).toISOString(),
      };
    }
    case 'migrate':
      if (args.length > 0) throw new UsageError(command);
      return { applied: await withDatabase(databaseSettings(env), migrate) };
    case 'list-tenants':
      if (args.length > 0) throw new UsageError(command);
      return { tenants: await withStore(databaseSettings(env), io, (store) => store.listTenants()) };
    case 'provision': {
      const [tenantId, name, flag, workspaceId] = args;
      if (tenantId === undefined || name === undefined) throw new UsageError(command);
      if (args.length !== 2 && (args.length !== 4 || flag !== '--workspace')) throw new UsageError(command);
      const papermap = papermapSettings(env);
      const upstream = upstreamSettings(env);
      const idPattern = idPatternSetting(env);
      const database = databaseSettings(env);
      const { redis } = redisSettings(env);
      if (!idPattern.test(tenantId)) throw apiError('VALIDATION_FAILED', MESSAGES.cliTenantPattern);
      if (name.length === 0 || name.length > 200) throw apiError('VALIDATION_FAILED', MESSAGES.cliName);
      const workspaces = new Workspaces(
        papermap,
        (workspace) => new PapermapClient({ ...papermap, ...upstream, ...workspace }),
      );
      const result = await withStore(
        database,
        io,
        (store) =>
          provisionDashboard(
            store,
            workspaces,
            {
              tenant_id: tenantId,
              name,
              description: null,
              make_default: false,
              ...(workspaceId !== undefined ? { workspace_id: workspaceId } : {}),
            },
            `cli-${randomUUID()}`,
          ),
        redis,
      );
      return result.body;
    }
    case 'mint-token': {
      const [tenantId, dashboardId] = args;
      if (tenantId === undefined || args.length > 2) throw new UsageError(command);
      const config = { papermap: papermapSettings(env), embedTokenTtlSeconds: embedTokenTtlSeconds(env) };
      const database = databaseSettings(env);
      return withStore(
        database,
        io,
        (store) =>
          mintEmbedToken(
            store,
            config,
            { tenantId, ...(dashboardId !== undefined ? { dashboardId } : {}), subject: 'cli' },
            now,
          ),
        redisSettings(env).redis,
      );
    }
    case 'audit':
      return auditCommand(args, env, io, now);
    case 'dev-jwt':
      return devJwt(args, env, now);
    case 'start':
      // bin.ts starts the server; reaching here means arguments followed `start`.
      throw new UsageError(command);
  }
}

export async function runCli(
  args: string[],
  env: Env,
  io: CliIo,
  now: () => number = Date.now,
): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || HELP.has(command)) {
    // `help --help` asks for help too; `help <unknown>` is refused as `<unknown>` alone is.
    const topic = command === 'help' && !HELP.has(rest[0] ?? '') ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) {
      io.err(`unknown command: ${topic.slice(0, 40)}\n\n${USAGE}`);
      return 2;
    }
    io.out(topic === undefined ? USAGE : COMMAND_USAGE[topic]);
    return command === undefined ? 2 : 0;
  }
  if (!isCommand(command)) {
    io.err(`unknown command: ${command.slice(0, 40)}\n\n${USAGE}`);
    return 2;
  }
  if (rest.some((arg) => HELP.has(arg))) {
    io.out(COMMAND_USAGE[command]);
    return 0;
  }
  try {
    const result = await run(command, rest, env, io, now);
    // A JWT is printed bare, so `JWT=$(tenantdash-server dev-jwt alice)` works; everything else as JSON.
    io.out(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof SettingError) io.err(`configuration error: ${error.message}`);
    else if (error instanceof ApiError) io.err(`${error.code}: ${error.message}`);
    else if (error instanceof Error && 'code' in error && typeof error.code === 'string')
      io.err(`${error.code}: ${error.message}`);
    else io.err('unexpected error');
    return 1;
  }
}
