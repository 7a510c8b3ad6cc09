import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEmbedUrl, ConfigError, papermapApiUrl } from '../src/index.js';
import { KNOWN_EMBED_TOKEN } from '@tenantdash/test-utils';

describe('buildEmbedUrl', () => {
  it("builds Papermap's embed URL, percent-encoding the token's padding", () => {
    const url = buildEmbedUrl({
      token: KNOWN_EMBED_TOKEN.token,
      workspaceId: 'workspace-456',
      dashboardId: 'dash-789',
    });
    expect(url).toBe(
      `https://papermap.ai/embedded/dashboard?embedded-token=${KNOWN_EMBED_TOKEN.token.replace(/=/g, '%3D')}` +
        '&workspace-id=workspace-456&dashboard-id=dash-789',
    );
    expect(new URL(url).searchParams.get('embedded-token')).toBe(KNOWN_EMBED_TOKEN.token);
  });

  it('adds debug=true and keeps a custom base URL and its query', () => {
    const url = buildEmbedUrl({
      token: 'abc=',
      workspaceId: 'ws 1',
      dashboardId: 'd&x',
      baseUrl: 'http://127.0.0.1:4010/embedded/dashboard?theme=dark',
      debug: true,
    });
    expect(url).toBe(
      'http://127.0.0.1:4010/embedded/dashboard?theme=dark&embedded-token=abc%3D&workspace-id=ws+1&dashboard-id=d%26x&debug=true',
    );
  });

  // What buildEmbedUrl always wrote (URL + URLSearchParams); its string-built common case must match it.
  function reference(
    token: string,
    workspaceId: string,
    dashboardId: string,
    baseUrl: string,
    debug: boolean,
  ) {
    const url = new URL(baseUrl);
    const params = new URLSearchParams(url.search);
    params.set('embedded-token', token);
    params.set('workspace-id', workspaceId);
    params.set('dashboard-id', dashboardId);
    if (debug) params.set('debug', 'true');
    url.search = params.toString();
    return url.toString();
  }
  const BASES = [
    'https://papermap.ai/embedded/dashboard',
    'http://127.0.0.1:4010/embedded/dashboard?theme=dark',
    'https://papermap.ai',
    'https://papermap.ai/e?',
    'https://papermap.ai/e?a=b c&x=%7E!&&y',
    'https://PaperMap.ai:443/e/../embedded/./dashboard?a=1',
    'https://papermap.ai/e#frag',
    'https://papermap.ai/e?q=1#',
    'https://papermap.ai/e?embedded-token=old&a=1&embedded-token=older',
    'https://papermap.ai/e?debug=false',
    '  https://papermap.ai/e\tx?z=1  ',
  ];
  const id = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    // eslint-disable-next-line no-control-regex -- ids never hold control characters
    .filter((value) => !/[\u0000-\u001f\u007f-\u009f]/.test(value));

  it('writes exactly what URL and URLSearchParams write, for any token, ids and base URL', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', minLength: 1 }),
          fc.string({
            unit: fc.constantFrom(
              '=',
              '-',
              '_',
              ' ',
              '!',
              "'",
              '(',
              ')',
              '~',
              '*',
              '%',
              '&',
              '+',
              '\ud800',
              '\udc00',
              'é',
              'a',
            ),
            minLength: 1,
          }),
        ),
        id,
        id,
        fc.constantFrom(...BASES),
        fc.boolean(),
        (token, workspaceId, dashboardId, baseUrl, debug) => {
          expect(buildEmbedUrl({ token, workspaceId, dashboardId, baseUrl, debug })).toBe(
            reference(token, workspaceId, dashboardId, baseUrl, debug),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps working for many base URLs (bounded cache) and refuses a bad one every time', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 40; i++) {
        const baseUrl = `https://host-${i}.example/e?i=${i}`;
        expect(buildEmbedUrl({ token: 'ab==', workspaceId: 'w', dashboardId: 'd', baseUrl })).toBe(
          `https://host-${i}.example/e?i=${i}&embedded-token=ab%3D%3D&workspace-id=w&dashboard-id=d`,
        );
      }
      expect(() =>
        buildEmbedUrl({ token: 't', workspaceId: 'w', dashboardId: 'd', baseUrl: 'ftp://x/' }),
      ).toThrow(ConfigError);
    }
  });

  it.each([
    ['a relative base URL', { baseUrl: '/embedded' }],
    ['a javascript: base URL', { baseUrl: 'javascript:alert(1)' }],
    ['an empty token', { token: '' }],
    ['an empty workspace id', { workspaceId: '' }],
  ])('refuses %s', (_label, override) => {
    const attempt = () => buildEmbedUrl({ token: 't', workspaceId: 'w', dashboardId: 'd', ...override });
    expect(attempt).toThrow(ConfigError);
  });
});

describe('papermapApiUrl', () => {
  it.each([
    ['https://prod.dataapi.papermap.ai/', 'https://prod.dataapi.papermap.ai/api/v1/external/dashboards'],
    ['https://prod.dataapi.papermap.ai', 'https://prod.dataapi.papermap.ai/api/v1/external/dashboards'],
    ['http://127.0.0.1:4010//', 'http://127.0.0.1:4010/api/v1/external/dashboards'],
    ['https://proxy.example/papermap/', 'https://proxy.example/papermap/api/v1/external/dashboards'],
  ])('joins %s without a double slash', (base, expected) => {
    expect(papermapApiUrl('/api/v1/external/dashboards', base)).toBe(expected);
  });

  it('defaults to the production data API', () => {
    expect(papermapApiUrl('/x')).toBe('https://prod.dataapi.papermap.ai/x');
  });

  it.each(['not a url', 'ftp://host/', 'https://host/?q=1'])('refuses %s', (base) => {
    expect(() => papermapApiUrl('/x', base)).toThrow(ConfigError);
  });
});
