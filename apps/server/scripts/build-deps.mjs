// Builds @tenantdash/core (its dist is what the server imports) before `pnpm start` / `pnpm cli` run the
// server's TypeScript source: on a fresh clone nothing has built it yet. Turbo's cache makes this ≈ 1 s once
// core is built. Silent unless the build fails, so the CLI's stdout stays its JSON.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const result = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@tenantdash/core', '--output-logs=errors-only'],
  { cwd: root, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' } },
);
if (result.status !== 0) {
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  process.stderr.write('tenantdash: building @tenantdash/core failed (see above)\n');
  process.exit(result.status ?? 1);
}
