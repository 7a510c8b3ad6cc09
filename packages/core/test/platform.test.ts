// The Node and Web builds must agree byte for byte, and the Web build must not reach for a Node module.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as node from '../src/platform/node.js';
import * as web from '../src/platform/web.js';
import { referenceSignature } from '@tenantdash/test-utils';

describe('platform implementations', () => {
  const cases: Array<[string, string]> = [
    ['kit-test-secret-0000000000000000', 'ws_71700000000'],
    ['sk_\u00e9\u{1F600}', 'ws_\u5b57\u6f22'],
    ['s', ''],
  ];

  it.each(cases)('compute the same HMAC for %j', async (secret, message) => {
    const expected = referenceSignature(secret, message, '');
    expect(await node.platform.hmacSha256Hex(secret, message)).toBe(expected);
    expect(await web.platform.hmacSha256Hex(secret, message)).toBe(expected);
  });

  it('encode and decode base64 the same way', () => {
    const latin1 = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const encoded = node.platform.base64FromLatin1(latin1);
    expect(web.platform.base64FromLatin1(latin1)).toBe(encoded);
    expect(Array.from(web.platform.bytesFromBase64(encoded))).toEqual(
      Array.from(node.platform.bytesFromBase64(encoded)),
    );
  });

  it('build embed URLs the same way: Node as a string, the Web through URL and URLSearchParams', () => {
    expect(web.fastEmbedUrl).toBeUndefined();
    const args = ['tok+/=', 'ws_1', 'dash 1', 'https://pm.test/embedded/dashboard?theme=dark', true] as const;
    const url = new URL(args[3]);
    url.searchParams.set('embedded-token', args[0]);
    url.searchParams.set('workspace-id', args[1]);
    url.searchParams.set('dashboard-id', args[2]);
    url.searchParams.set('debug', 'true');
    expect(node.fastEmbedUrl(...args)).toBe(url.toString());
  });

  it('keep bounded key caches while still signing with many secrets, again and again', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) {
        const expected = referenceSignature(`secret-${i}`, 'm', '');
        expect(await web.platform.hmacSha256Hex(`secret-${i}`, 'm')).toBe(expected);
        expect(node.platform.hmacSha256Hex(`secret-${i}`, 'm')).toBe(expected);
      }
    }
  });
});

describe('the browser bundle', () => {
  it('bundles for the browser without any Node built-in', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    const [output] = result.outputFiles;
    expect(output?.text).not.toMatch(/node:|require\(|Buffer/);
    expect(output?.text).toContain('crypto.subtle');
    // The string fast path for embed URLs is a server's: browsers go through URLSearchParams only.
    expect(output?.text).not.toContain('baseCache');
  });
});
