/**
 * A strict parser for the one JSON shape an embed token holds: a flat object whose values are strings or
 * integers. Unlike JSON.parse it refuses duplicate keys (which JSON.parse resolves silently, last one wins)
 * and reports anything else (nesting, floats, booleans, trailing data) as not parseable.
 */
export type FlatValue = string | number;

const WHITESPACE = /[ \t\n\r]*/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const INTEGER = /-?(?:0|[1-9][0-9]*)(?![0-9.eE])/y;

class Cursor {
  position = 0;
  constructor(readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position;
    WHITESPACE.test(this.text);
    this.position = WHITESPACE.lastIndex;
  }

  take(char: string): boolean {
    this.skipWhitespace();
    if (this.text[this.position] !== char) return false;
    this.position++;
    return true;
  }

  match(pattern: RegExp): string | undefined {
    this.skipWhitespace();
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.position = pattern.lastIndex;
    return found[0];
  }
}

/** Returns the members in a null-prototype object, or undefined when the text is not such an object. */
export function parseFlatJsonObject(text: string): Record<string, FlatValue> | undefined {
  const cursor = new Cursor(text);
  const result: Record<string, FlatValue> = Object.create(null);
  if (!cursor.take('{')) return undefined;
  if (!cursor.take('}')) {
    do {
      const keyLiteral = cursor.match(STRING);
      if (keyLiteral === undefined || !cursor.take(':')) return undefined;
      const key = JSON.parse(keyLiteral) as string;
      if (Object.prototype.hasOwnProperty.call(result, key)) return undefined;
      const stringLiteral = cursor.match(STRING);
      if (stringLiteral !== undefined) {
        result[key] = JSON.parse(stringLiteral) as string;
        continue;
      }
      const integerLiteral = cursor.match(INTEGER);
      if (integerLiteral === undefined) return undefined;
      result[key] = Number(integerLiteral);
    } while (cursor.take(','));
    if (!cursor.take('}')) return undefined;
  }
  cursor.skipWhitespace();
  return cursor.position === text.length ? result : undefined;
}
