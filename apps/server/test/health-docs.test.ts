import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestServer, startSandbox, type Sandbox, type TestServer } from './helper.js';

let sandbox: Sandbox;
let server: TestServer;
beforeAll(async () => {
  sandbox = await startSandbox();
  server = await buildTestServer(sandbox.url);
});
afterAll(async () => {
  await server?.close();
  await sandbox?.close();
});

it('healthz and readyz answer', async () => {
  expect((await server.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  expect((await server.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
});

it('readyz is 503 NOT_READY when the database is gone', async () => {
  const other = await buildTestServer(sandbox.url);
  await other.app.store.sequelize.close();
  const response = await other.app.inject({ url: '/readyz' });
  expect(response.statusCode).toBe(503);
  expect(response.json()).toEqual({
    statusCode: 503,
    code: 'NOT_READY',
    error: 'Service Unavailable',
    message: 'The database is not reachable',
  });
  await other.close().catch(() => undefined);
});

it('serves the OpenAPI document and the docs UI', async () => {
  const spec = (await server.app.inject({ url: '/docs/json' })).json();
  expect(spec.openapi).toMatch(/^3\./);
  expect(Object.keys(spec.paths)).toEqual(
    expect.arrayContaining([
      '/api/v1/dashboards',
      '/api/v1/dashboards/iframe-token',
      '/api/v1/dashboards/{dashboard_id}',
      '/api/v1/tenants',
      '/api/v1/tenants/{tenant_id}/usage',
      '/api/v1/tenants/{tenant_id}/disable',
      '/api/v1/usage',
    ]),
  );
  const body =
    spec.paths['/api/v1/dashboards/iframe-token'].post.requestBody.content['application/json'].schema;
  expect(body.additionalProperties).toBe(false);
  const ui = await server.app.inject({ url: '/docs/' });
  expect(ui.statusCode).toBe(200);
  expect(ui.headers['content-type']).toContain('text/html');
});
