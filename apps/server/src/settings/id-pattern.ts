/**
 * `ID_PATTERN`: the tenant and dashboard ids the API accepts. A tenant id travels to Papermap in the
 * `X-Tenant-ID` header, so a pattern that admits characters a header cannot carry would let a tenant be
 * created here that Papermap can never be told about (its provisioning failed upstream, as a 502). Such a
 * pattern is refused at start. A regular expression cannot be inspected for what it admits, so it is probed
 * with ids built around each kind of character a header cannot carry; `headerSafe` then guards each id at
 * the point it enters a header, for patterns the probes could not catch.
 */
import { type Env, read, SettingError } from './read.js';

export const DEFAULT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

/**
 * What an id may hold to arrive in a header exactly as sent: printable ASCII, no space at either end (HTTP
 * trims it). Controls are refused by HTTP stacks; bytes above 0x7E are either refused (fetch throws above
 * U+00FF) or arrive as Latin-1 that the other side may read differently.
 */
export function headerSafe(value: string): boolean {
  return /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(value);
}

// One of each kind: C0 controls (NUL, TAB, LF, CR, ESC), DEL, C1, Latin-1, beyond Latin-1, a separator, a BOM,
// an astral character.
const UNSAFE = [
  '\u0000',
  '\u0001',
  '\t',
  '\n',
  '\u000b',
  '\r',
  '\u001b',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u009f',
  '\u00a0',
  '\u00e9',
  '\u00ff',
  '\u0100',
  '\u2028',
  '\u20ac',
  '\ufeff',
  '\u{1f600}',
];
const FILLERS = ['a', 'z', 'A', 'Z', '0', '9', '_', '-', '.', ':', 'a0', '0a', 'A0', 'aA'];
const REPEATS = [1, 4, 16];

function* probes(): Generator<[id: string, culprit: string]> {
  for (const filler of FILLERS) {
    for (const n of REPEATS) {
      const fill = filler.repeat(n);
      for (const bad of UNSAFE) {
        yield [bad, bad];
        yield [`${fill}${bad}`, bad];
        yield [`${bad}${fill}`, bad];
        yield [`${fill}${bad}${fill}`, bad];
      }
      yield [` ${fill}`, ' '];
      yield [`${fill} `, ' '];
    }
  }
}

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character the pattern was seen to admit that a header cannot carry, if any. */
function headerUnsafeCharacter(pattern: RegExp): string | undefined {
  for (const [candidate, culprit] of probes()) {
    if (pattern.test(candidate)) return culprit === ' ' ? 'a space at either end' : codePoint(culprit);
  }
  return undefined;
}

export function idPatternSetting(env: Env): RegExp {
  const text = read(env, 'ID_PATTERN') ?? DEFAULT_ID_PATTERN;
  if (!text.startsWith('^') || !text.endsWith('$'))
    throw new SettingError('ID_PATTERN', 'must be anchored with ^ and $');
  let pattern: RegExp;
  try {
    // With the `u` flag, as the request schemas compile it (Ajv's default): `\p{L}` is a class there.
    pattern = new RegExp(text, 'u');
  } catch {
    throw new SettingError('ID_PATTERN', 'is not a valid regular expression');
  }
  const unsafe = headerUnsafeCharacter(pattern);
  if (unsafe !== undefined) {
    throw new SettingError(
      'ID_PATTERN',
      `admits ${unsafe}, which the X-Tenant-ID header cannot carry: allow printable ASCII only (no space at either end)`,
    );
  }
  return pattern;
}
