/** JSON schemas of the API: strict (`additionalProperties: false`), bounded, and shared with the OpenAPI document. */

export const errorSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, { description: 'Error', ...errorSchema }]));

export const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';

export function buildSchemas(idPattern: RegExp) {
  const id = { type: 'string', minLength: 1, maxLength: 128, pattern: idPattern.source } as const;
  const dashboardId = { type: 'string', minLength: 1, maxLength: 255, pattern: idPattern.source } as const;

  const dashboard = {
    type: 'object',
    properties: {
      dashboard_id: { type: 'string' },
      tenant_id: { type: 'string' },
      workspace_id: { type: 'string' },
      name: { type: 'string' },
      description: { type: ['string', 'null'] },
      is_default: { type: 'boolean' },
      created_at: { type: 'string', format: 'date-time' },
    },
    required: [
      'dashboard_id',
      'tenant_id',
      'workspace_id',
      'name',
      'description',
      'is_default',
      'created_at',
    ],
  } as const;

  return {
    id,
    dashboardId,
    dashboard,
    provisionBody: {
      type: 'object',
      additionalProperties: false,
      required: ['tenant_id', 'name'],
      properties: {
        tenant_id: id,
        name: { type: 'string', minLength: 1, maxLength: 200 },
        description: { type: ['string', 'null'], maxLength: 2000 },
        make_default: { type: 'boolean' },
      },
    },
    idempotencyHeaders: {
      type: 'object',
      properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
    },
    tenantQuery: {
      type: 'object',
      additionalProperties: false,
      required: ['tenant_id'],
      properties: { tenant_id: id },
    },
    dashboardParams: {
      type: 'object',
      additionalProperties: false,
      required: ['dashboard_id'],
      properties: { dashboard_id: dashboardId },
    },
    tenantParams: {
      type: 'object',
      additionalProperties: false,
      required: ['tenant_id'],
      properties: { tenant_id: id },
    },
    tokenBody: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        tenant_id: id,
        dashboard_id: dashboardId,
        tenantId: id,
        dashboardId: dashboardId,
      },
    },
    token: {
      type: 'object',
      properties: {
        token: { type: 'string' },
        dashboard_id: { type: 'string' },
        expires_at: { type: 'integer', description: 'Unix seconds; the token’s valid_until' },
        expires_in: {
          type: 'integer',
          description:
            'Whole seconds the token has left on the server’s clock (as in OAuth 2.0): schedule refreshes from this, not from the local clock',
        },
        embed_url: { type: 'string' },
      },
      required: ['token', 'dashboard_id', 'expires_at', 'expires_in', 'embed_url'],
    },
    usageQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from_period: { type: 'string', pattern: PERIOD },
        to_period: { type: 'string', pattern: PERIOD },
        page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' },
        per_page: { type: 'string', pattern: '^(100|[1-9][0-9]?)$' },
      },
    },
    tenant: {
      type: 'object',
      properties: {
        tenant_id: { type: 'string' },
        disabled: { type: 'boolean' },
      },
      required: ['tenant_id', 'disabled'],
    },
  };
}

export type Schemas = ReturnType<typeof buildSchemas>;
