/**
 * `PAPERMAP_WORKSPACES_FILE`: several Papermap workspaces, each with the key this server signs with for it.
 *
 *   { "default": "ws_eu",
 *     "workspaces": [ { "id": "ws_eu", "api_key_id": "ak_eu", "secret_key_env": "PAPERMAP_SECRET_EU" },
 *                     { "id": "ws_us", "api_key_id": "ak_us", "secret_key": "sk_…" } ] }
 *
 * A secret is given inline or, better, as the name of an environment variable holding it. Problems name the
 * entry and the field, never a secret's value.
 */
import { idProblem } from '@tenantdash/core';
import { type Env, read, SettingError } from './read.js';
import type { PapermapWorkspace } from './papermap.js';

const VARIABLE = 'PAPERMAP_WORKSPACES_FILE';
const FIELDS = new Set(['id', 'api_key_id', 'secret_key', 'secret_key_env']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export interface WorkspacesFile {
  defaultWorkspaceId?: string;
  workspaces: PapermapWorkspace[];
}

const fail = (problem: string): never => {
  throw new SettingError(VARIABLE, problem);
};

function papermapId(where: string, value: unknown): string {
  const problem = idProblem(value);
  if (problem !== undefined) fail(`${where} ${problem}`);
  return value as string;
}

function secretOf(where: string, entry: Record<string, unknown>, env: Env): string {
  const inline = entry.secret_key;
  const name = entry.secret_key_env;
  if ((inline === undefined) === (name === undefined))
    fail(`${where} needs exactly one of secret_key and secret_key_env`);
  let value: string | undefined;
  if (name !== undefined) {
    if (typeof name !== 'string' || !ENV_NAME.test(name))
      fail(`${where}.secret_key_env must name a variable`);
    value = read(env, name as string);
    if (value === undefined) fail(`${where}.secret_key_env: ${name as string} is not set`);
  } else {
    if (typeof inline !== 'string' || inline === '') fail(`${where}.secret_key must be a non-empty string`);
    value = inline as string;
  }
  if (/\s/.test(value!)) fail(`${where} secret must not contain whitespace`);
  return value!;
}

function entryOf(raw: unknown, index: number, env: Env): PapermapWorkspace {
  const where = `workspaces[${index}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return fail(`${where} must be an object`);
  const entry = raw as Record<string, unknown>;
  const unknown = Object.keys(entry).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) fail(`${where} has an unknown field ${JSON.stringify(unknown.slice(0, 40))}`);
  return {
    workspaceId: papermapId(`${where}.id`, entry.id),
    apiKeyId: papermapId(`${where}.api_key_id`, entry.api_key_id),
    secretKey: secretOf(where, entry, env),
  };
}

export function parseWorkspacesFile(text: string, env: Env): WorkspacesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('is not valid JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return fail('must hold an object with a "workspaces" array');
  const { default: defaultId, workspaces, ...rest } = json as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    fail(`has an unknown field ${JSON.stringify(Object.keys(rest)[0]!.slice(0, 40))}`);
  if (!Array.isArray(workspaces) || workspaces.length === 0) fail('must hold a non-empty "workspaces" array');
  return {
    ...(defaultId !== undefined ? { defaultWorkspaceId: papermapId('default', defaultId) } : {}),
    workspaces: (workspaces as unknown[]).map((raw, index) => entryOf(raw, index, env)),
  };
}
