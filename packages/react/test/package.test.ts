// @vitest-environment node
// What npm users get: the package is packed with `pnpm pack` (as `changeset publish` does: it rewrites
// `workspace:` ranges), then the tarball is checked with publint --strict and Are The Types Wrong, its
// contents listed, every path its package.json names looked up in it, and its README read as npm shows it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '..', '..');
const require = createRequire(import.meta.url);

let tmp: string;
let tarball: string;
let unpacked: string;
let files: string[];
let manifest: Record<string, unknown> & { dependencies?: Record<string, string> };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tenantdash-react-pack-'));
  execFileSync('pnpm', ['pack', '--pack-destination', tmp], { cwd: pkgDir, stdio: 'pipe' });
  const [name] = readdirSync(tmp).filter((file) => file.endsWith('.tgz'));
  if (name === undefined) throw new Error('pnpm pack wrote no tarball');
  tarball = join(tmp, name);
  files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));
  execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
  unpacked = join(tmp, 'package');
  manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as typeof manifest;
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Every relative path a package.json field names (exports and imports targets, main, module, types). */
function namedPaths(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [];
  if (Array.isArray(value)) return value.flatMap(namedPaths);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(namedPaths);
  return [];
}

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
    for (const map of files.filter((file) => file.endsWith('.map'))) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(unpacked, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
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
    const { messages, pkg } = await publint({
      pack: { tarball: readFileSync(tarball).buffer },
      strict: true,
      level: 'suggestion',
    });
    expect(messages.map((message) => formatMessage(message, pkg, { color: false }))).toEqual([]);
  });

  it('passes Are The Types Wrong in node10, node16 (CJS and ESM) and bundler resolution', () => {
    const cli = require
      .resolve('@arethetypeswrong/cli/package.json')
      .replace(/package\.json$/, 'dist/index.js');
    let out: string;
    try {
      out = execFileSync(process.execPath, [cli, '--format', 'json', '--no-definitely-typed', tarball], {
        encoding: 'utf8',
      });
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    const { analysis } = JSON.parse(out) as {
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
      };
    };
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
    const repoLink =
      /\[[^\]]*\]\(https:\/\/github\.com\/tenantdash\/tenantdash(?:\/(?:blob|tree)\/main\/([^)#]+))?[^)]*\)/g;
    for (const [, path] of readme.matchAll(repoLink)) {
      if (path !== undefined) expect(existsSync(join(repoRoot, path)), path).toBe(true);
    }
    const prose = readme.replace(repoLink, '');
    expect(
      prose.match(/\b(apps|src|test|stories|public|bench|scripts|packages)\/|\.storybook|PROTOCOL\.md/g),
    ).toBe(null);
    expect(readme.match(/\]\((?!https:\/\/|#)[^)]*\)/g)).toBe(null);
    expect(readme).toMatch(/npm i @tenantdash\/react @tenantdash\/core @tanstack\/react-query/);
  });
});
