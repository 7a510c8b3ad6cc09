/**
 * The workspace settings (PAPERMAP_WORKSPACES_FILE, TENANT_ISOLATION): read and checked at start like every
 * setting, each problem named in one line without a value (a secret may be one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, SettingError } from '../src/config.js';
import { testEnv } from './helper.js';

const base = testEnv('http://127.0.0.1:9');
const dir = mkdtempSync(join(tmpdir(), 'tenantdash-workspace-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET_EU = 'sk_eu_secret_value_0123456789abcdef';
let written = 0;
function fileWith(content: unknown): string {
  const path = join(dir, `workspaces-${++written}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}
const eu = { id: 'ws_eu', api_key_id: 'ak_eu', secret_key_env: 'SECRET_EU' };
const us = { id: 'ws_us', api_key_id: 'ak_us', secret_key: 'sk_us_inline_0123456789' };

function problem(overrides: Record<string, string | undefined>): string {
  try {
    loadConfig({ ...base, SECRET_EU, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('workspace settings', () => {
  it('one workspace from the three variables, as before: the default, in shared mode', () => {
    const { papermap } = loadConfig(base);
    expect([...papermap.workspaces.values()]).toEqual([
      { workspaceId: 'ws_demo', apiKeyId: 'ak_demo', secretKey: base.PAPERMAP_SECRET_KEY },
    ]);
    expect(papermap).toMatchObject({ workspaceId: 'ws_demo', apiKeyId: 'ak_demo', isolation: 'shared' });
  });

  it('more from the file, secrets inline or from a variable; the default named there', () => {
    const { papermap } = loadConfig({
      ...base,
      SECRET_EU,
      PAPERMAP_WORKSPACES_FILE: fileWith({ default: 'ws_eu', workspaces: [eu, us] }),
      TENANT_ISOLATION: 'workspace',
    });
    expect([...papermap.workspaces.keys()]).toEqual(['ws_demo', 'ws_eu', 'ws_us']);
    expect(papermap.workspaces.get('ws_eu')).toEqual({
      workspaceId: 'ws_eu',
      apiKeyId: 'ak_eu',
      secretKey: SECRET_EU,
    });
    expect(papermap.workspaces.get('ws_us')?.secretKey).toBe(us.secret_key);
    expect(papermap).toMatchObject({
      workspaceId: 'ws_eu',
      apiKeyId: 'ak_eu',
      secretKey: SECRET_EU,
      isolation: 'workspace',
    });
  });

  it('the file alone: the three variables may be unset; the env workspace is the default when the file names none', () => {
    const alone = {
      ...base,
      SECRET_EU,
      PAPERMAP_WORKSPACE_ID: undefined,
      PAPERMAP_API_KEY_ID: undefined,
      PAPERMAP_SECRET_KEY: undefined,
    };
    expect(
      loadConfig({ ...alone, PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu] }) }).papermap.workspaceId,
    ).toBe('ws_eu');
    expect(
      loadConfig({ ...base, SECRET_EU, PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu, us] }) })
        .papermap.workspaceId,
    ).toBe('ws_demo');
  });

  it.each([
    [
      'a file that is not there',
      () => join(dir, 'missing.json'),
      'PAPERMAP_WORKSPACES_FILE cannot be read (ENOENT)',
    ],
    [
      'a file that is not JSON',
      () => fileWith('{"workspaces": ['),
      'PAPERMAP_WORKSPACES_FILE is not valid JSON',
    ],
    [
      'a JSON array',
      () => fileWith([eu]),
      'PAPERMAP_WORKSPACES_FILE must hold an object with a "workspaces" array',
    ],
    [
      'no workspaces',
      () => fileWith({ workspaces: [] }),
      'PAPERMAP_WORKSPACES_FILE must hold a non-empty "workspaces" array',
    ],
    [
      'an unknown top-level field',
      () => fileWith({ workspaces: [eu], defaults: 'ws_eu' }),
      'PAPERMAP_WORKSPACES_FILE has an unknown field "defaults"',
    ],
    [
      'an unknown entry field',
      () => fileWith({ workspaces: [{ ...eu, secret: 'x' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] has an unknown field "secret"',
    ],
    [
      'an entry that is not an object',
      () => fileWith({ workspaces: ['ws_eu'] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] must be an object',
    ],
    [
      'a missing id',
      () => fileWith({ workspaces: [{ ...eu, id: undefined }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].id must be a string',
    ],
    [
      'an empty key id',
      () => fileWith({ workspaces: [{ ...eu, api_key_id: '' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].api_key_id must not be empty',
    ],
    [
      'an id with a control character',
      () => fileWith({ workspaces: [{ ...eu, id: 'ws\neu' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].id must not contain control characters or lone surrogates',
    ],
    [
      'the env workspace listed again',
      () => fileWith({ workspaces: [{ ...eu, id: 'ws_demo' }] }),
      'PAPERMAP_WORKSPACES_FILE names workspace ws_demo twice',
    ],
    [
      'a workspace listed twice',
      () => fileWith({ workspaces: [eu, { ...us, id: 'ws_eu' }] }),
      'PAPERMAP_WORKSPACES_FILE names workspace ws_eu twice',
    ],
    [
      'one key under two workspaces',
      () => fileWith({ workspaces: [eu, { ...us, api_key_id: 'ak_eu' }] }),
      'PAPERMAP_WORKSPACES_FILE gives key ak_eu to two workspaces',
    ],
    [
      'the env key under a file workspace',
      () => fileWith({ workspaces: [{ ...eu, api_key_id: 'ak_demo' }] }),
      'PAPERMAP_WORKSPACES_FILE gives key ak_demo to two workspaces',
    ],
    [
      'an inline secret with whitespace',
      () => fileWith({ workspaces: [{ ...us, secret_key: 'sk_us inline' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] secret must not contain whitespace',
    ],
    [
      'an inline secret with a trailing newline',
      () => fileWith({ workspaces: [{ ...us, secret_key: 'sk_us_inline\n' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] secret must not contain whitespace',
    ],
    [
      'an empty inline secret',
      () => fileWith({ workspaces: [{ ...us, secret_key: '' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].secret_key must be a non-empty string',
    ],
    [
      'both kinds of secret',
      () => fileWith({ workspaces: [{ ...eu, secret_key: 'sk_x' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] needs exactly one of secret_key and secret_key_env',
    ],
    [
      'no secret',
      () => fileWith({ workspaces: [{ id: 'ws_eu', api_key_id: 'ak_eu' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0] needs exactly one of secret_key and secret_key_env',
    ],
    [
      'a secret variable that is unset',
      () => fileWith({ workspaces: [{ ...eu, secret_key_env: 'NOT_SET_ANYWHERE' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].secret_key_env: NOT_SET_ANYWHERE is not set',
    ],
    [
      'a secret variable name that is not one',
      () => fileWith({ workspaces: [{ ...eu, secret_key_env: 'A-B' }] }),
      'PAPERMAP_WORKSPACES_FILE workspaces[0].secret_key_env must name a variable',
    ],
    [
      'an unknown default',
      () => fileWith({ default: 'ws_nowhere', workspaces: [eu] }),
      'PAPERMAP_WORKSPACES_FILE names an unknown default workspace ws_nowhere',
    ],
  ])('refuses %s', (_name, path, message) => {
    expect(problem({ PAPERMAP_WORKSPACES_FILE: path() })).toBe(message);
  });

  it('refuses a secret with whitespace in the variable a file entry names', () => {
    expect(
      problem({ SECRET_EU: 'sk_eu with space', PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu] }) }),
    ).toBe('PAPERMAP_WORKSPACES_FILE workspaces[0] secret must not contain whitespace');
  });

  it('needs a default when the file alone lists several', () => {
    expect(
      problem({
        PAPERMAP_WORKSPACE_ID: undefined,
        PAPERMAP_API_KEY_ID: undefined,
        PAPERMAP_SECRET_KEY: undefined,
        PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu, us] }),
      }),
    ).toBe('PAPERMAP_WORKSPACES_FILE must name its "default" workspace when it lists several');
  });

  it('needs all three single-workspace variables once one of them is set beside a file', () => {
    expect(
      problem({ PAPERMAP_API_KEY_ID: undefined, PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu] }) }),
    ).toBe('PAPERMAP_API_KEY_ID is required');
  });

  it('refuses a TENANT_ISOLATION it does not know', () => {
    expect(problem({ TENANT_ISOLATION: 'tenant' })).toBe('TENANT_ISOLATION must be shared or workspace');
  });

  it('never puts a secret in a message', () => {
    const messages = [
      problem({ SECRET_EU: `${SECRET_EU} x`, PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [eu] }) }),
      problem({
        PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [{ ...us, secret_key: `${us.secret_key} x` }] }),
      }),
      problem({ PAPERMAP_WORKSPACES_FILE: fileWith({ workspaces: [us, { ...us, id: 'ws_other' }] }) }),
    ];
    for (const message of messages) {
      expect(message).not.toContain(SECRET_EU);
      expect(message).not.toContain(us.secret_key);
    }
  });
});
