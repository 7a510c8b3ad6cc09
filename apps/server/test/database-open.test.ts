/**
 * A database that cannot be opened stops the start (and every CLI command) with one line naming DATABASE_URL
 * and why, never the URL: nothing listening, a missing PostgreSQL database or schema, a file that is not
 * SQLite. Against the machine's real PostgreSQL and real files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connect.js';
import { runCli } from '../src/cli/run.js';

const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'tenantdash-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback port nothing listens on (bound by this process, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const refusal = (reason: string) => `the database named by DATABASE_URL cannot be opened (${reason})`;

describe('a database that cannot be opened', () => {
  it('names DATABASE_URL and the reason, never the URL', async () => {
    const notSqlite = join(dir, 'not-a-database.sqlite');
    writeFileSync(notSqlite, 'x'.repeat(4096));
    const cases: Array<[string, string]> = [
      [`postgres://postgres:secret-password@127.0.0.1:${await closedPort()}/test`, refusal('ECONNREFUSED')],
      [
        'postgres://postgres@127.0.0.1:5432/tenantdash_no_such_database',
        refusal('database "tenantdash_no_such_database" does not exist'),
      ],
      [
        `${POSTGRES}?options=-c%20search_path%3Dtenantdash_no_such_schema`,
        refusal('its search_path names no schema that exists: create the schema first'),
      ],
      [`sqlite:${notSqlite}`, refusal('SQLITE_NOTADB: file is not a database')],
    ];
    for (const [url, message] of cases) {
      const failure = await openDatabase(url).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ code: 'DATABASE_UNREACHABLE', message });
      expect((failure as Error).message).not.toContain('secret-password');
    }
  });

  it('is one CODE: message line from the CLI, exit code 1', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/test` };
    const code = await runCli(['migrate'], env, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    expect({ code, out, err }).toEqual({
      code: 1,
      out: [],
      err: [`DATABASE_UNREACHABLE: ${refusal('ECONNREFUSED')}`],
    });
  });

  it('opens a database that can be opened', async () => {
    const sequelize = await openDatabase(`sqlite:${join(dir, 'fresh', 'ok.sqlite')}`);
    await sequelize.close();
  });
});
