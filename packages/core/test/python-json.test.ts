import { describe, expect, it } from 'vitest';
import { parseFlatJsonObject } from '../src/flat-json.js';
import { pythonJsonString } from '../src/python-json.js';

describe('pythonJsonString (Python json.dumps, ensure_ascii)', () => {
  it.each([
    ['plain', '"plain"'],
    ['quote " and backslash \\', '"quote \\" and backslash \\\\"'],
    ['slash /', '"slash /"'],
    ['\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['\u0001\u001f', '"\\u0001\\u001f"'],
    ['\u007f', '"\\u007f"'],
    ['caf\u00e9 \u03a9 \u5b57', '"caf\\u00e9 \\u03a9 \\u5b57"'],
    ['\u{1F600}\u{1D11E}', '"\\ud83d\\ude00\\ud834\\udd1e"'],
    ['\uFFFF', '"\\uffff"'],
  ])('writes %j as Python does', (input, expected) => {
    expect(pythonJsonString(input)).toBe(expected);
  });
});

describe('parseFlatJsonObject', () => {
  it('reads strings and integers with any whitespace', () => {
    expect({ ...parseFlatJsonObject(' {\n"a" : "x\\u00e9" ,"b":-12 } ') }).toEqual({ a: 'x\u00e9', b: -12 });
  });

  it('returns an object without a prototype, so "__proto__" is an ordinary key', () => {
    const parsed = parseFlatJsonObject('{"__proto__": "x"}');
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed ?? {})).toEqual(['__proto__']);
  });

  it.each([
    '{"a": 1, "a": 2}',
    '{"a": 1,}',
    '{"a": 1} {}',
    '{"a": 01}',
    '{"a": 1.0}',
    '{"a": 1e3}',
    '{"a": true}',
    '{"a": null}',
    '{"a": [1]}',
    '{"a": {"b": 1}}',
    '{"a": "\u0001"}',
    '{"a": "\\x41"}',
    "{'a': 1}",
    '{a: 1}',
    '',
    '[]',
  ])('refuses %j', (text) => {
    expect(parseFlatJsonObject(text)).toBeUndefined();
  });
});
