import { describe, expect, it } from 'vitest';
import { buildEmbedUrl, ConfigError, papermapApiUrl } from '../src/index.js';
import { PROTOCOL_TOKEN } from './helpers.js';

describe('buildEmbedUrl', () => {
  it("builds Papermap's embed URL, percent-encoding the token's padding", () => {
    const url = buildEmbedUrl({
      token: PROTOCOL_TOKEN,
      workspaceId: 'workspace-456',
      dashboardId: 'dash-789',
    });
    expect(url).toBe(
      `https://papermap.ai/embedded/dashboard?embedded-token=${PROTOCOL_TOKEN.replace(/=/g, '%3D')}` +
        '&workspace-id=workspace-456&dashboard-id=dash-789',
    );
    expect(new URL(url).searchParams.get('embedded-token')).toBe(PROTOCOL_TOKEN);
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
