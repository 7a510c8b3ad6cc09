import { ConfigError } from './errors.js';
import { MAX_ID_LENGTH } from './limits.js';

const PRINTABLE_ASCII_ID = /^[\x20-\x7e]{1,255}$/;
// C0 and C1 controls, DEL, and lone surrogates (which cannot be encoded as UTF-8 for the MAC).
const FORBIDDEN_IN_ID =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The reason an id is unacceptable, or undefined when it is fine. */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (PRINTABLE_ASCII_ID.test(value)) return undefined;
  if (value.length === 0) return 'must not be empty';
  if (FORBIDDEN_IN_ID.test(value)) return 'must not contain control characters or lone surrogates';
  let codePoints = 0;
  for (const _ of value) codePoints++;
  if (codePoints > MAX_ID_LENGTH) return `must be at most ${MAX_ID_LENGTH} characters`;
  return undefined;
}

export function assertId(name: string, value: unknown): asserts value is string {
  const problem = idProblem(value);
  if (problem !== undefined) throw new ConfigError(`${name} ${problem}`);
}

export function assertSecret(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(`${name} must be a non-empty string`);
  if (value.trim() !== value) throw new ConfigError(`${name} must not start or end with whitespace`);
}

/** A positive whole number of seconds, at most `max`. */
export function assertSeconds(name: string, value: unknown, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive whole number of seconds`);
  }
  if (value > max) throw new ConfigError(`${name} must be at most ${max} seconds`);
}

/** A cap or leeway option: a whole number of seconds, zero allowed. */
export function optionSeconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative whole number of seconds`);
  }
  return value;
}
