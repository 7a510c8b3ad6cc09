/**
 * Readers of single environment variables. Each problem throws a `SettingError` whose one-line message names
 * the variable and the problem, never the value (it may be a secret).
 */
import { idProblem } from '@tenantdash/core';

export type Env = Readonly<Record<string, string | undefined>>;

export class SettingError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SettingError';
  }
}

/** The variable's value, trimmed; undefined when unset or blank (an empty line in .env means "default"). */
export function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function required(env: Env, name: string): string {
  const value = read(env, name);
  if (value === undefined) throw new SettingError(name, 'is required');
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new SettingError(name, 'must be a whole number');
  const value = Number(text);
  if (value < min || value > max) throw new SettingError(name, `must be between ${min} and ${max}`);
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const text = read(env, name);
  if (text === undefined) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new SettingError(name, 'must be true or false');
}

export function list(env: Env, name: string): string[] {
  return (read(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** An absolute http(s) URL without credentials, trailing slashes removed. */
export function httpUrl(env: Env, name: string, fallback: string): string {
  const text = read(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingError(name, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SettingError(name, 'must be an http(s) URL');
  if (url.username || url.password) throw new SettingError(name, 'must not contain credentials');
  return text.replace(/\/+$/, '');
}

/** A Papermap id (key id, workspace id): what core accepts in a token. */
export function id(env: Env, name: string): string {
  const value = required(env, name);
  const problem = idProblem(value);
  if (problem !== undefined) throw new SettingError(name, problem);
  return value;
}
