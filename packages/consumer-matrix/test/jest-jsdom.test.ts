// Jest 30 + jsdom (babel-jest): an app's own component test renders <TenantDashboard> with a fetchToken prop.
// jsdom resolves the packages through `require` + `browser` conditions: the web CommonJS builds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { matrix } from './support/context.js';
import { installFixture } from './support/fixtures.js';
import { run } from './support/processes.js';

interface JestReport {
  numTotalTests: number;
  numPassedTests: number;
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

describe.sequential('jest-jsdom: Jest + jest-environment-jsdom', () => {
  const ctx = matrix();
  let dir: string;

  beforeAll(async () => {
    dir = await installFixture(ctx, 'jest-jsdom');
  });

  it("the app's test renders the dashboard iframe with the token fetchToken returned", async () => {
    const result = await run(
      ctx.root,
      process.execPath,
      [join(dir, 'node_modules/jest/bin/jest.js'), '--ci', '--json', '--outputFile=jest-report.json'],
      { cwd: dir },
    );
    const report = JSON.parse(readFileSync(join(dir, 'jest-report.json'), 'utf8')) as JestReport;
    const outcomes = report.testResults.flatMap((file) =>
      file.assertionResults.map((test) => ({ name: test.fullName, status: test.status })),
    );
    // On a failure, Jest's own output (the error and its stack) is the message.
    expect(outcomes, result.stderr).toEqual([
      { name: 'renders the dashboard frame with the token fetchToken returned', status: 'passed' },
    ]);
    expect(result.code).toBe(0);
  });
});
