/**
 * The backend quick starts of the root README and of this package's README, run verbatim in a fresh clone:
 * `git clone` of HEAD (so the committed READMEs are what is tested), then the READMEs' install step (here
 * `pnpm install --frozen-lockfile --prefer-offline`, with the pnpm version the READMEs install), then every
 * ```sh block between `<!-- quick-start:begin -->` and `<!-- quick-start:end -->`, in order, in one shell state
 * (variables carry over from block to block, as in one terminal).
 *
 * - A block after `<!-- quick-start:background <url> -->` keeps running, as in a terminal of its own, until the
 *   section ends (then Ctrl-C: SIGINT to its process group); the next block waits until <url> answers.
 * - A ```text block right after a ```sh block is what that block prints; `…` stands for anything.
 * - The ports 4000 and 4010 of the commands and answers are swapped for free ones, and PORT, SANDBOX_PORT and
 *   the Papermap URLs are set in the environment (which wins over .env), so a `pnpm demo` running on this
 *   machine does not collide. Nothing else is changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanEnv, freePort, run, runOk, startBackground, type Background } from './processes.js';

const repo = resolve(fileURLToPath(import.meta.url), '../../../../..');
let root: string;
let clone: string;
const running: Background[] = [];

type Step =
  | { kind: 'run'; script: string; expected?: string }
  | { kind: 'background'; script: string; readyUrl: string };

/** The quick-start section of a README, as steps. */
function quickStartSteps(markdown: string): Step[] {
  const section = /<!-- quick-start:begin -->([\s\S]*?)<!-- quick-start:end -->/.exec(markdown)?.[1];
  if (section === undefined) throw new Error('no quick-start section');
  const steps: Step[] = [];
  const tokens = /<!-- quick-start:background (\S+) -->|^```(\w*)\n([\s\S]*?)^```$/gm;
  let background: string | undefined;
  for (const match of section.matchAll(tokens)) {
    const [, url, language, body] = match;
    if (url !== undefined) {
      background = url;
    } else if (language === 'sh') {
      steps.push(
        background !== undefined
          ? { kind: 'background', script: body!, readyUrl: background }
          : { kind: 'run', script: body! },
      );
      background = undefined;
    } else if (language === 'text') {
      const last = steps.at(-1);
      if (last?.kind !== 'run' || last.expected !== undefined)
        throw new Error('a text block must follow a sh block');
      last.expected = body!;
    }
  }
  return steps;
}

/** `expected` with `…` as a wildcard, as a pattern for the output (trailing spaces ignored). */
function outputPattern(expected: string): RegExp {
  const lines = expected
    .trimEnd()
    .split('\n')
    .map((line) => line.trimEnd());
  const escaped = lines.join('\n').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replaceAll('…', '[\\s\\S]*?'));
}

async function runSection(readme: string): Promise<void> {
  const ports = { server: await freePort(), sandbox: await freePort() };
  const local = (text: string) =>
    text
      .replaceAll('127.0.0.1:4000', `127.0.0.1:${ports.server}`)
      .replaceAll('127.0.0.1:4010', `127.0.0.1:${ports.sandbox}`);
  const env = cleanEnv({
    PORT: String(ports.server),
    SANDBOX_PORT: String(ports.sandbox),
    PAPERMAP_API_URL: `http://127.0.0.1:${ports.sandbox}`,
    PAPERMAP_EMBED_URL: `http://127.0.0.1:${ports.sandbox}/embedded/dashboard`,
  });
  const state = join(root, 'state.sh');
  writeFileSync(state, '');
  // Every variable a block sets is kept for the next one, as in one terminal.
  const wrap = (script: string) =>
    `set -a\n. '${state}'\nset -eo pipefail\n${local(script)}\nexport -p | grep -Ev '^declare -x (PWD|OLDPWD|SHLVL|_)=' > '${state}'\n`;
  const steps = quickStartSteps(readFileSync(join(clone, readme), 'utf8'));
  expect(steps.length).toBeGreaterThan(2);
  try {
    for (const step of steps) {
      if (step.kind === 'background') {
        running.push(
          await startBackground('bash', ['-c', `set -a\n. '${state}'\nset +a\n${local(step.script)}`], {
            cwd: clone,
            env,
            url: local(step.readyUrl),
            timeoutMs: 180_000,
          }),
        );
        continue;
      }
      const result = await run('bash', ['-c', wrap(step.script)], { cwd: clone, env, timeoutMs: 180_000 });
      const where = `${readme}:\n${step.script}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
      expect(result.code, where).toBe(0);
      if (step.expected !== undefined)
        expect(result.stdout, where).toMatch(outputPattern(local(step.expected)));
    }
  } finally {
    await stopRunning();
  }
}

/** Ctrl-C in each terminal left running, then whatever is left of their process groups. */
async function stopRunning(): Promise<void> {
  for (const background of running.splice(0).reverse()) {
    try {
      process.kill(-background.child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => void background.kill(), 15_000);
    await background.exited;
    clearTimeout(timer);
    await background.kill();
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tenantdash-quick-start-'));
  clone = join(root, 'tenantdash');
  await runOk('git', ['clone', '--quiet', repo, clone], { cwd: root });
  const { packageManager } = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as {
    packageManager: string;
  };
  expect(`pnpm@${execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim()}`).toBe(packageManager);
  await runOk('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], {
    cwd: clone,
    timeoutMs: 600_000,
  });
}, 600_000);

afterAll(async () => {
  await stopRunning();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** What the previous README's steps left: the copied .env and the databases. */
function reset(): void {
  for (const path of ['apps/server/.env', 'apps/server/data', 'apps/sandbox/data']) {
    rmSync(join(clone, path), { recursive: true, force: true });
  }
}

it('reads a section into steps, and compares answers with `…` as the only wildcard', () => {
  const steps = quickStartSteps(
    [
      '<!-- quick-start:begin -->',
      '<!-- quick-start:background http://127.0.0.1:4010/x -->',
      '```sh\nserve\n```',
      '```sh\necho hi\n```',
      '```text\n{"a":"…","b":2}\n```',
      '```json\n{"ignored":true}\n```',
      '<!-- quick-start:end -->',
    ].join('\n'),
  );
  expect(steps).toEqual([
    { kind: 'background', script: 'serve\n', readyUrl: 'http://127.0.0.1:4010/x' },
    { kind: 'run', script: 'echo hi\n', expected: '{"a":"…","b":2}\n' },
  ]);
  const pattern = outputPattern('{"a":"…","b":2}\n');
  expect(pattern.test('> banner\n{"a":"x y","b":2}\n')).toBe(true);
  expect(pattern.test('{"a":"x","b":3}')).toBe(false);
  expect(pattern.test('{"a":"x","b":2.5}')).toBe(false);
});

it("the root README's backend quick start works verbatim in a fresh clone", async () => {
  reset();
  await runSection('README.md');
});

it("the server README's quick start and first five minutes work verbatim in a fresh clone", async () => {
  reset();
  await runSection('apps/server/README.md');
});
