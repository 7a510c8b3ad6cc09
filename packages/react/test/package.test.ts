// @vitest-environment node
// What npm users get: the package is packed with `pnpm pack` (as `changeset publish` does: it rewrites
// `workspace:` ranges), then the tarball is checked with publint --strict and Are The Types Wrong, its
// contents listed, every path its package.json names looked up in it, and its README read as npm shows it.
import { existsSync, readFileSync } from 'node:fs';
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

let packed: PackedPackage;
let tarball: string;
let unpacked: string;
let files: string[];
let manifest: Record<string, unknown> & { dependencies?: Record<string, string> };

beforeAll(() => {
  packed = packPackage(pkgDir, 'tenantdash-react-pack-');
  ({ tarball, unpacked, files, manifest } = packed);
}, 60_000);

afterAll(() => {
  packed?.remove();
});

describe('the packed @tenantdash/react', () => {
  it('holds LICENSE, README.md, package.json and the built files, and no source or test files', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts']));
    expect(files).toEqual(
      expect.arrayContaining(['dist/prefetch.js', 'dist/prefetch.cjs', 'prefetch/package.json']),
    );
    // prefetch/package.json: the subpath for resolvers that read no `exports` (node10).
    expect(
      files.filter(
        (file) => !/^(LICENSE|README\.md|package\.json|prefetch\/package\.json|dist\/.+)$/.test(file),
      ),
    ).toEqual([]);
    expect(files.filter((file) => /\.(tsx?|mts|cts)$/.test(file) && !/\.d\.c?ts$/.test(file))).toEqual([]);
    expect(readFileSync(join(unpacked, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 tenantdash contributors\n/,
    );
  });

  it('depends on @tenantdash/core by its real version, not a workspace: range', () => {
    const core = createRequire(join(pkgDir, 'package.json'))('@tenantdash/core/package.json') as {
      version: string;
    };
    const range = manifest.dependencies?.['@tenantdash/core'];
    expect(range).toBe(core.version);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
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
        directory: 'packages/react',
      },
    });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['papermap', 'react']));
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
      prose.match(/\b(apps|src|test|stories|public|bench|scripts|packages)\/|\.storybook|PROTOCOL\.md/g),
    ).toBe(null);
    expect(relativeLinks).toBe(null);
    expect(readme).toMatch(/npm i @tenantdash\/react @tenantdash\/core @tanstack\/react-query/);
  });
});
