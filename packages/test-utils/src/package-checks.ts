// What the packed-package tests of the published packages share: the tarball `pnpm pack` makes (as
// `changeset publish` does), publint --strict, Are The Types Wrong, and the links of the README npm shows.
// Each function answers with data; the tests assert on it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo's root, which README links to github.com/tenantdash/tenantdash/(blob|tree)/main/ name. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const require = createRequire(import.meta.url);

export interface PackedPackage {
  /** The temporary folder holding the tarball and, in `package/`, what it unpacks to. */
  dir: string;
  tarball: string;
  unpacked: string;
  /** The tarball's entries, relative to its `package/` folder. */
  files: string[];
  manifest: Record<string, unknown>;
  remove(): void;
}

/** Packs the package in `packageDir` with `pnpm pack` into `destination`; the tarball's path. */
export function packTarball(packageDir: string, destination: string): string {
  const { name, version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir, stdio: 'pipe' });
  const expected = `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
  if (!readdirSync(destination).includes(expected)) throw new Error(`pnpm pack wrote no ${expected}`);
  return join(destination, expected);
}

/** The package packed and unpacked into a temporary folder of its own (`remove` deletes it). */
export function packPackage(packageDir: string, tempPrefix: string): PackedPackage {
  const dir = mkdtempSync(join(tmpdir(), tempPrefix));
  const tarball = packTarball(packageDir, dir);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''));
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  const unpacked = join(dir, 'package');
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return {
    dir,
    tarball,
    unpacked,
    files,
    manifest,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every relative path a package.json field names (exports and imports targets, main, module, types). */
export function namedPaths(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [];
  if (Array.isArray(value)) return value.flatMap(namedPaths);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(namedPaths);
  return [];
}

/** The source maps a tarball ships, each with the sources it names and the contents it carries. */
export function sourceMaps(
  packed: PackedPackage,
): { file: string; sources: string[]; sourcesContent?: (string | null)[] }[] {
  return packed.files
    .filter((file) => file.endsWith('.map'))
    .map((file) => ({
      file,
      ...(JSON.parse(readFileSync(join(packed.unpacked, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      }),
    }));
}

/** What publint --strict reports about the tarball, down to suggestions, as plain text lines. */
export async function publintMessages(tarball: string): Promise<(string | undefined)[]> {
  // Loaded here, not on import: the unit tests that import this package never pay for it.
  const [{ publint }, { formatMessage }] = await Promise.all([import('publint'), import('publint/utils')]);
  const { messages, pkg } = await publint({
    pack: { tarball: readFileSync(tarball).buffer },
    strict: true,
    level: 'suggestion',
  });
  return messages.map((message) => formatMessage(message, pkg, { color: false }));
}

export interface TypesAnalysis {
  problems: unknown[];
  entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>;
}

/** Are The Types Wrong's analysis of the tarball (its CLI exits non-zero when it finds problems). */
export function typesAnalysis(tarball: string): TypesAnalysis {
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
  return (JSON.parse(out) as { analysis: TypesAnalysis }).analysis;
}

const REPO_LINK =
  /\[[^\]]*\]\(https:\/\/github\.com\/tenantdash\/tenantdash(?:\/(?:blob|tree)\/main\/([^)#]+))?[^)]*\)/g;

/**
 * A README as npm shows it: the repository paths its links to github.com/tenantdash/tenantdash name, its prose
 * without those links (where no monorepo path may be named), and its relative links (npm cannot follow any; null when there are none).
 */
export function readmeLinks(readme: string): {
  repoPaths: string[];
  prose: string;
  relativeLinks: RegExpMatchArray | null;
} {
  const repoPaths = [...readme.matchAll(REPO_LINK)].flatMap(([, path]) => (path === undefined ? [] : [path]));
  return {
    repoPaths,
    prose: readme.replace(REPO_LINK, ''),
    relativeLinks: readme.match(/\]\((?!https:\/\/|#)[^)]*\)/g),
  };
}
