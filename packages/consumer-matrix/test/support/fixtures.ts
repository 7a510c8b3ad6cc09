// A consumer app: fixtures/<name> copied to the run's temp directory (outside the repository, so nothing of
// the workspace resolves), its @tenantdash/* dependencies pointed at the packed tarballs, installed with npm.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MatrixContext } from './context.js';
import { consumerEnv, runOk } from './processes.js';

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** Build output and installs someone may have made inside a fixture by hand are not copied. */
const LOCAL_ONLY = new Set(['node_modules', 'dist', '.next', 'package-lock.json', 'next-env.d.ts']);

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

/**
 * The fixture's own package.json, except that every @tenantdash/* package it names, and the ones they depend
 * on (`overrides`), come from the tarballs: what `npm install @tenantdash/react` would give once published.
 */
export function pointAtTarballs(pkg: PackageJson, tarballs: MatrixContext['tarballs']): PackageJson {
  const local = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  const swap = (deps: Record<string, string> | undefined) =>
    deps && Object.fromEntries(Object.entries(deps).map(([name, range]) => [name, local[name] ?? range]));
  return {
    ...pkg,
    dependencies: swap(pkg.dependencies),
    devDependencies: swap(pkg.devDependencies),
    overrides: { ...pkg.overrides, ...local },
  };
}

/** Copies fixtures/<name> into the run's temp directory and runs `npm install` there; returns the app's path. */
export async function installFixture(ctx: MatrixContext, name: string): Promise<string> {
  const dir = join(ctx.root, name);
  cpSync(join(FIXTURES_DIR, name), dir, {
    recursive: true,
    filter: (source) => !LOCAL_ONLY.has(basename(source)),
  });
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  writeFileSync(file, `${JSON.stringify(pointAtTarballs(pkg, ctx.tarballs), null, 2)}\n`);
  // --ignore-scripts: nothing downloads a binary at install time (Next's SWC and sharp, Vite's Rolldown come
  // as npm packages with the binary inside); --prefer-offline: cached metadata is used without a round trip.
  await runOk(
    ctx.root,
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: dir, env: consumerEnv(), timeoutMs: 280_000 },
  );
  return dir;
}

/** The version of `name` that Node would load from `dir` (the package's own package.json). */
export function installedVersion(dir: string, name: string): string {
  return (
    JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}
