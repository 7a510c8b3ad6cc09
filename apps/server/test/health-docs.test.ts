import { expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';
import { buildTestServer, useTestStack } from './helper.js';

const stack = useTestStack();

it('healthz and readyz answer', async () => {
  expect((await stack.server.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  expect((await stack.server.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
});

it('readyz is 503 NOT_READY when the database is gone', async () => {
  const other = await buildTestServer(stack.sandbox.url);
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
  const spec = (await stack.server.app.inject({ url: '/docs/json' })).json();
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
      '/api/v1/audit',
      '/api/v1/audit/summary',
      '/healthz',
      '/readyz',
      '/metrics',
    ]),
  );
  const body =
    spec.paths['/api/v1/dashboards/iframe-token'].post.requestBody.content['application/json'].schema;
  expect(body.additionalProperties).toBe(false);
  const ui = await stack.server.app.inject({ url: '/docs/' });
  expect(ui.statusCode).toBe(200);
  expect(ui.headers['content-type']).toContain('text/html');
});

interface MediaObject {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: {
    content: Record<
      string,
      { example?: unknown; schema: { properties?: Record<string, { description?: string }> } }
    >;
  };
  responses: Record<string, { description: string; content?: Record<string, MediaObject> }>;
}

it('describes every route, parameter, body field and answer, with an example of each body and answer, errors from the catalogue', async () => {
  const spec = (await stack.server.app.inject({ url: '/docs/json' })).json<{
    paths: Record<string, Record<string, Operation>>;
  }>();
  const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method} ${path}`, operation })),
  );
  expect(operations.length).toBeGreaterThanOrEqual(15);
  for (const { name, operation } of operations) {
    expect(operation.summary, name).toBeTruthy();
    expect(operation.description, name).toBeTruthy();
    for (const parameter of operation.parameters ?? []) {
      expect(parameter.description, `${name} ${parameter.in} ${parameter.name}`).toBeTruthy();
    }
    for (const media of Object.values(operation.requestBody?.content ?? {})) {
      expect(media.example, `${name} body`).toBeDefined();
      for (const [field, schema] of Object.entries(media.schema.properties ?? {})) {
        expect(schema.description, `${name} body ${field}`).toBeTruthy();
      }
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      const where = `${name} → ${status}`;
      expect(response.description, where).not.toBe('Default Response');
      expect(response.description.length, where).toBeGreaterThan(3);
      if (status === '204') continue;
      const media = Object.values(response.content ?? {})[0];
      expect(media, where).toBeDefined();
      if (Number(status) < 400) {
        expect(media?.example ?? media?.examples, where).toBeDefined();
        continue;
      }
      const examples = Object.entries(media?.examples ?? {});
      expect(examples.length, where).toBeGreaterThan(0);
      for (const [code, example] of examples) {
        expect(ERRORS[code as keyof typeof ERRORS]?.status, `${where} ${code}`).toBe(Number(status));
        expect(example.value).toMatchObject({ statusCode: Number(status), code });
        expect(response.description).toContain(`\`${code}\``);
      }
    }
  }
});

it('rate-limits unknown routes like every other route', async () => {
  const limited = await buildTestServer(stack.sandbox.url, { RATE_LIMIT_GLOBAL_MAX: '3' });
  try {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limited.app.inject({ url: `/probe-${i}` }));
    expect(answers.map((answer) => [answer.statusCode, answer.json().code])).toEqual([
      [404, 'ROUTE_NOT_FOUND'],
      [404, 'ROUTE_NOT_FOUND'],
      [404, 'ROUTE_NOT_FOUND'],
      [429, 'RATE_LIMITED'],
    ]);
    expect(answers[3]?.headers['retry-after']).toBe('60');
    // Probes and the API share one budget per IP: the API is limited now too; health checks and scrapes never are.
    expect((await limited.app.inject({ url: '/api/v1/tenants' })).statusCode).toBe(429);
    expect((await limited.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await limited.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  } finally {
    await limited.close();
  }
});
