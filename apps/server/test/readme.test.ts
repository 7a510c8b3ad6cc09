/** The README and .env.example say what the code does: every error code, every setting. */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';

const file = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = file('README.md');

/** Every variable the settings readers look up (`read(env, 'NAME')`, `integer(env, 'NAME', …)`, …). */
function variablesRead(): string[] {
  const sources = [
    'src/config.ts',
    ...readdirSync(new URL('../src/settings', import.meta.url)).map((f) => `src/settings/${f}`),
  ];
  const names = new Set<string>();
  for (const source of sources) {
    for (const [, name] of file(source).matchAll(/\(env, '([A-Z_]+)'/g)) names.add(name!);
  }
  return [...names].sort();
}

it('lists every error code of src/errors.ts with its status and when it is answered, and no other', () => {
  const rows = [...readme.matchAll(/^\| (\d{3}) +\| `([A-Z_]+)` +\| (.+?) +\|$/gm)].map(
    ([, status, code, when]) => ({
      code,
      status: Number(status),
      when,
    }),
  );
  const catalogue = Object.entries(ERRORS).map(([code, entry]) => ({
    code,
    status: entry.status,
    when: entry.when,
  }));
  expect(rows.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(
    catalogue.sort((a, b) => a.code.localeCompare(b.code)),
  );
});

it('documents every setting in the README and in .env.example', () => {
  const variables = variablesRead();
  expect(variables.length).toBeGreaterThan(35);
  const example = file('.env.example');
  for (const name of variables) {
    expect(readme, name).toContain(`\`${name}\``);
    expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
  }
});
