/**
 * Tenant ids travel to Papermap in the X-Tenant-ID header. An ID_PATTERN that admits what a header cannot carry
 * is refused at start (config.test.ts); one the start-up probes cannot see through (here: ids must start with
 * `t-`, which no probe does) still never sends such an id upstream: provisioning refuses it with 400 before
 * anything is stored or sent, instead of the 502 UPSTREAM_ERROR Papermap's refusal used to become.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { adminKey, testEnv, useTestStack } from './helper.js';

const LOOSE = '^t-[\\s\\S]{1,20}$';
const stack = useTestStack({ env: { ID_PATTERN: LOOSE } });

it('the start-up probes do not catch this pattern (so the guard below is what stops such ids)', () => {
  expect(loadConfig(testEnv(stack.sandbox.url, { ID_PATTERN: LOOSE })).idPattern.source).toBe(LOOSE);
});

it.each(['t-é', 't-a\u0000b', 't-tab\there', 't-trailing ', 't-😀'])(
  'refuses to provision %j with 400, storing and sending nothing',
  async (tenantId) => {
    const upstream = await stack.sandbox.countDashboards();
    const response = await stack.server.app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: { ...adminKey, 'idempotency-key': `key-${tenantId.length}` },
      payload: { tenant_id: tenantId, name: 'x' },
    });
    expect([response.statusCode, response.json()]).toEqual([
      400,
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        error: 'Bad Request',
        message: 'body/tenant_id must hold printable ASCII only, with no space at either end',
      },
    ]);
    expect(await stack.sandbox.countDashboards()).toBe(upstream);
    expect(await stack.server.counts()).toEqual({ tenants: 0, dashboards: 0, audit: 0, idempotency: 0 });
  },
);

it('provisions an id of the same pattern that a header carries', async () => {
  const response = await stack.server.app.inject({
    method: 'POST',
    url: '/api/v1/dashboards',
    headers: adminKey,
    payload: { tenant_id: 't-acme 2', name: 'x' },
  });
  expect(response.statusCode).toBe(201);
});
