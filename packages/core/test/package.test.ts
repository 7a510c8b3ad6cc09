// What npm users get: the package is packed with `pnpm pack` (as `changeset publish` does), then the tarball
// is checked with publint --strict and Are The Types Wrong, its contents listed, every path its package.json
// names looked up in it, and small TypeScript consumers (CommonJS and ESM under node16, and bundler) compile
// against it and run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  namedPaths,
  packPackage,
  publintMessages,
  readmeLinks,
  REPO_ROOT,
  sourceMaps,
  typesAnalysis,
  type PackedPackage,
} from '@tenantdash/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

let packed: PackedPackage;
let tmp: string;
let tarball: string;
let unpacked: string;
let files: string[];
let manifest: Record<string, unknown>;

beforeAll(() => {
  packed = packPackage(pkgDir, 'tenantdash-core-pack-');
  ({ dir: tmp, tarball, unpacked, files, manifest } = packed);
}, 60_000);

afterAll(() => {
  packed?.remove();
});

describe('the packed @tenantdash/core', () => {
  it('holds LICENSE, README.md, package.json and the built files, and no source or test files', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(files.filter((file) => file.startsWith('dist/')).length).toBeGreaterThan(0);
    expect(files.filter((file) => !/^(LICENSE|README\.md|package\.json|dist\/.+)$/.test(file))).toEqual([]);
    expect(
      files.filter(
        (file) => /(^|\/)(src|test|bench)\/|\.test\.|\.tsx?$/.test(file) && !file.endsWith('.d.ts'),
      ),
    ).toEqual([]);
    expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 tenantdash contributors\n/,
    );
  });

  it('names only files it ships (exports, imports, main, module, types)', () => {
    const { exports, imports, main, module, types } = manifest;
    const named = namedPaths([exports, imports, main, module, types]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !files.includes(path))).toEqual([]);
  });

  it('ships source maps that carry their sources (the src/ they name is not published)', () => {
    for (const { file: map, sources, sourcesContent } of sourceMaps(packed)) {
      expect(sourcesContent?.length, map).toBe(sources.length);
      expect(sourcesContent?.every((content) => typeof content === 'string')).toBe(true);
    }
  });

  it('has the metadata npm shows, and a Node engine', () => {
    expect(manifest).toMatchObject({
      license: 'MIT',
      engines: { node: '>=20.19' },
      publishConfig: { access: 'public' },
      repository: {
        type: 'git',
        url: 'git+https://github.com/tenantdash/tenantdash.git',
        directory: 'packages/core',
      },
    });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['papermap']));
  });

  it('passes publint --strict with nothing to report', async () => {
    expect(await publintMessages(tarball)).toEqual([]);
  });

  it('passes Are The Types Wrong in node10, node16 (CJS and ESM) and bundler resolution', () => {
    const analysis = typesAnalysis(tarball);
    expect(analysis.problems).toEqual([]);
    const resolutions = analysis.entrypoints['.']?.resolutions ?? {};
    expect(Object.keys(resolutions).sort()).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
    for (const [mode, { resolution }] of Object.entries(resolutions)) {
      expect(resolution?.fileName, mode).toMatch(
        mode === 'node10' || mode === 'node16-cjs' ? /\.d\.cts$/ : /\.d\.ts$/,
      );
    }
  }, 60_000);

  it('has a README that names no monorepo file npm users cannot see, and links only to what exists', () => {
    const readme = readFileSync(join(unpacked, 'README.md'), 'utf8');
    const { repoPaths, prose, relativeLinks } = readmeLinks(readme);
    for (const path of repoPaths) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
    expect(
      prose.match(/\b(apps|src|test|bench|scripts|packages)\/|PROTOCOL\.md|shared folder|root README/g),
    ).toBe(null);
    expect(relativeLinks).toBe(null);
    expect(readme).toMatch(/npm i @tenantdash\/core/);
  });

  const consumers = [
    { name: 'CommonJS, module node16', type: 'commonjs', module: 'node16', resolution: 'node16', run: true },
    { name: 'ESM, module node16', type: 'module', module: 'node16', resolution: 'node16', run: true },
    { name: 'ESM, bundler', type: 'module', module: 'esnext', resolution: 'bundler', run: false },
  ] as const;

  it.each(consumers)(
    'type-checks and runs in a TypeScript consumer ($name)',
    (consumer) => {
      const dir = join(tmp, `consumer-${consumer.type}-${consumer.resolution}`);
      mkdirSync(join(dir, 'node_modules', '@tenantdash'), { recursive: true });
      symlinkSync(unpacked, join(dir, 'node_modules', '@tenantdash', 'core'), 'dir');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: consumer.type }));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: consumer.module,
            moduleResolution: consumer.resolution,
            target: 'es2022',
            lib: ['es2022', 'dom'],
            types: [],
            strict: true,
            skipLibCheck: false,
            noEmit: !consumer.run,
            outDir: 'out',
          },
          files: ['index.ts'],
        }),
      );
      writeFileSync(
        join(dir, 'index.ts'),
        [
          "import { createEmbedToken, decodeEmbedToken, TokenError, type MintedEmbedToken } from '@tenantdash/core';",
          "const key = { apiKeyId: 'ak_c', secretKey: 'sk_consumer', workspaceId: 'ws_c' };",
          "const minted: Promise<MintedEmbedToken> = createEmbedToken({ ...key, tenantId: 't', dashboardId: 'd' });",
          'void minted.then((token) => {',
          '  if (!(TokenError.prototype instanceof Error)) throw new Error("TokenError");',
          '  process.stdout.write(decodeEmbedToken(token.token).tenant_id);',
          '});',
          'declare const process: { stdout: { write(text: string): void } };',
          '',
        ].join('\n'),
      );
      const tsc = require.resolve('typescript/bin/tsc');
      const result = (() => {
        try {
          return { ok: true, out: execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' }) };
        } catch (error) {
          return { ok: false, out: (error as { stdout: string }).stdout };
        }
      })();
      expect(result.out).toBe('');
      expect(result.ok).toBe(true);
      if (consumer.run) {
        expect(execFileSync(process.execPath, [join(dir, 'out', 'index.js')], { encoding: 'utf8' })).toBe(
          't',
        );
      }
    },
    60_000,
  );
});
