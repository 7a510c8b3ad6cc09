import { readFileSync } from 'node:fs';
import { SandboxConfigError } from './errors.js';
import type { SandboxConfig, SandboxWorkspace } from './config.js';
import { SANDBOX_SEED } from './config.js';

export interface ListenOptions {
  port: number;
  host: string;
}

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function text(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `SANDBOX_WORKSPACES_FILE`: a JSON array of workspaces in the `workspaces` option's shape (`id`, `apiKeys`,
 * `allowedOrigins`, `dashboards`), seeded at start; resolveConfig validates the entries.
 */
function workspacesFile(path: string | undefined): SandboxWorkspace[] | undefined {
  if (path === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SandboxConfigError(
      `SANDBOX_WORKSPACES_FILE ${code === undefined ? 'is not valid JSON' : `cannot be read (${code})`}`,
    );
  }
  if (!Array.isArray(json))
    throw new SandboxConfigError('SANDBOX_WORKSPACES_FILE must hold a JSON array of workspaces');
  return json as SandboxWorkspace[];
}

/**
 * Turns environment variables into sandbox options and listen options (see README "Configuration").
 * The caller passes `process.env`; nothing else in the sandbox reads the environment.
 */
export function configFromEnv(env: Record<string, string | undefined>): {
  config: Partial<SandboxConfig>;
  listen: ListenOptions;
} {
  const portText = text(env, 'SANDBOX_PORT') ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port > 65535) {
    throw new SandboxConfigError('SANDBOX_PORT must be a port number');
  }
  const level = text(env, 'SANDBOX_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(level))
    throw new SandboxConfigError(`SANDBOX_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const config: Partial<SandboxConfig> = { logger: { level } };
  const databasePath = text(env, 'SANDBOX_DATABASE_PATH');
  if (databasePath !== undefined) config.databasePath = databasePath;
  const adminToken = text(env, 'SANDBOX_ADMIN_TOKEN');
  if (adminToken !== undefined) config.adminToken = adminToken;
  const workspaces = workspacesFile(text(env, 'SANDBOX_WORKSPACES_FILE'));
  if (workspaces !== undefined) config.workspaces = workspaces;
  const origins = text(env, 'SANDBOX_ALLOWED_ORIGINS');
  if (origins !== undefined) {
    if (workspaces?.some((ws) => ws.id === SANDBOX_SEED.workspaceId))
      throw new SandboxConfigError(
        `SANDBOX_ALLOWED_ORIGINS and SANDBOX_WORKSPACES_FILE both configure ${SANDBOX_SEED.workspaceId}: give its origins in the file`,
      );
    config.workspaces = [
      ...(workspaces ?? []),
      {
        id: SANDBOX_SEED.workspaceId,
        apiKeys: [],
        allowedOrigins: origins
          .split(',')
          .map((origin) => origin.trim())
          .filter((o) => o !== ''),
      },
    ];
  }
  return { config, listen: { port, host: text(env, 'SANDBOX_HOST') ?? DEFAULT_HOST } };
}
