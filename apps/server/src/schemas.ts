/** JSON schemas of the API: strict (`additionalProperties: false`), bounded, and shared with the OpenAPI document. */
import { AUDIT_PAGE_MAX, SUMMARY_TOP_MAX } from './services/audit-log.js';
import { INSTANT_PATTERN } from './services/time-range.js';

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

const PERIOD = '^[0-9]{4}-(0[1-9]|1[0-2])$';

export function buildSchemas(idPattern: RegExp) {
  const id = { type: 'string', minLength: 1, maxLength: 128, pattern: idPattern.source } as const;
  const dashboardId = { type: 'string', minLength: 1, maxLength: 255, pattern: idPattern.source } as const;
  const instant = { type: 'string', maxLength: 40, pattern: INSTANT_PATTERN } as const;
  // A configured workspace's id (anything else is answered 400 WORKSPACE_UNKNOWN, not VALIDATION_FAILED).
  const workspaceId = {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    description: 'A configured Papermap workspace (the default one when absent)',
  } as const;
  const usageQueryProperties = {
    from_period: { type: 'string', pattern: PERIOD, description: 'First month, `YYYY-MM`' },
    to_period: { type: 'string', pattern: PERIOD, description: 'Last month, `YYYY-MM`' },
    page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', description: 'Page number, from 1 (default 1)' },
    per_page: {
      type: 'string',
      pattern: '^(100|[1-9][0-9]?)$',
      description: 'Rows per page, 1 to 100 (default 50)',
    },
  } as const;

  const dashboard = {
    type: 'object',
    description: 'A dashboard mapping',
    examples: [
      {
        dashboard_id: '0b6f3a52-6a3c-4c43-9d0e-2f1f5b8f2a11',
        tenant_id: 'acme',
        workspace_id: 'ws_demo',
        name: 'Acme overview',
        description: null,
        is_default: true,
        created_at: '2026-11-29T10:00:00.000Z',
      },
    ],
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
      examples: [{ tenant_id: 'acme', name: 'Acme overview' }],
      properties: {
        tenant_id: { ...id, description: 'Your id for the tenant; a new id creates the tenant' },
        name: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description: "The dashboard's title at Papermap",
        },
        description: { type: ['string', 'null'], maxLength: 2000, description: 'Shown at Papermap' },
        make_default: {
          type: 'boolean',
          description: "Make it the tenant's default dashboard (a tenant's first one always is)",
        },
        workspace_id: workspaceId,
      },
    },
    idempotencyHeaders: {
      type: 'object',
      properties: {
        // Its rule (1–255 visible ASCII) is checked by the provision service, so every unusable key, the empty
        // one included, is 400 IDEMPOTENCY_KEY_INVALID rather than a schema's VALIDATION_FAILED.
        'idempotency-key': {
          type: 'string',
          description:
            'Any unique value (1–255 visible ASCII characters): a retry with the same key and body gets the first answer back, without a second dashboard',
        },
      },
    },
    tenantQuery: {
      type: 'object',
      additionalProperties: false,
      required: ['tenant_id'],
      properties: { tenant_id: { ...id, description: 'The tenant whose dashboards to list' } },
    },
    dashboardParams: {
      type: 'object',
      additionalProperties: false,
      required: ['dashboard_id'],
      properties: { dashboard_id: { ...dashboardId, description: "The dashboard's id (Papermap's)" } },
    },
    tenantParams: {
      type: 'object',
      additionalProperties: false,
      required: ['tenant_id'],
      properties: { tenant_id: { ...id, description: 'The tenant' } },
    },
    tokenBody: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      examples: [{ tenant_id: 'acme' }],
      properties: {
        tenant_id: { ...id, description: 'The tenant to embed (the caller must belong to it)' },
        dashboard_id: {
          ...dashboardId,
          description: "One of the tenant's dashboards (default: its default)",
        },
        tenantId: { ...id, description: 'The same as `tenant_id`, camelCase (one form per request)' },
        dashboardId: { ...dashboardId, description: 'The same as `dashboard_id`, camelCase' },
      },
    },
    token: {
      type: 'object',
      description:
        'The embed token, its expiry, and the URL to load in the iframe (`Cache-Control: no-store`)',
      examples: [
        {
          token: 'eyJhcGlfa2V5X2lkIjogImFrX2RlbW8iLCAid29ya3NwYWNlX2lkIjogIndzX2RlbW8iLCAi…In0=',
          dashboard_id: '0b6f3a52-6a3c-4c43-9d0e-2f1f5b8f2a11',
          expires_at: 1764414000,
          expires_in: 3599,
          embed_url:
            'https://papermap.ai/embedded/dashboard?embedded-token=eyJhcGlf…In0%3D&workspace-id=ws_demo&dashboard-id=0b6f3a52-6a3c-4c43-9d0e-2f1f5b8f2a11',
        },
      ],
      properties: {
        token: {
          type: 'string',
          description: 'The embed token (a credential until it expires: never log it)',
        },
        dashboard_id: { type: 'string' },
        expires_at: { type: 'integer', description: 'Unix seconds; the token’s valid_until' },
        expires_in: {
          type: 'integer',
          description:
            'Whole seconds the token has left on the server’s clock (as in OAuth 2.0): schedule refreshes from this, not from the local clock',
        },
        embed_url: { type: 'string', description: 'The page to load in the iframe, token included' },
      },
      required: ['token', 'dashboard_id', 'expires_at', 'expires_in', 'embed_url'],
    },
    usageQuery: {
      type: 'object',
      additionalProperties: false,
      properties: usageQueryProperties,
    },
    workspaceUsageQuery: {
      type: 'object',
      additionalProperties: false,
      properties: { ...usageQueryProperties, workspace_id: workspaceId },
    },
    tenant: {
      type: 'object',
      description: "The tenant's kill-switch state",
      examples: [{ tenant_id: 'acme', disabled: true }],
      properties: {
        tenant_id: { type: 'string' },
        disabled: { type: 'boolean' },
      },
      required: ['tenant_id', 'disabled'],
    },
    auditQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        tenant_id: { ...id, description: 'Only tokens of this tenant' },
        subject: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          description: 'Only tokens issued to this subject (`user:<sub>`, `admin-key`, `cli`, `host:<id>`)',
        },
        dashboard_id: { ...dashboardId, description: 'Only tokens for this dashboard' },
        from: { ...instant, description: 'Issued at or after (RFC 3339, or a date for its midnight UTC)' },
        to: { ...instant, description: 'Issued before' },
        limit: {
          type: 'string',
          pattern: `^([1-9][0-9]?|1[0-9]{2}|${AUDIT_PAGE_MAX})$`,
          description: `Rows per page, 1 to ${AUDIT_PAGE_MAX} (default 50)`,
        },
        cursor: {
          type: 'string',
          maxLength: 64,
          pattern: '^[A-Za-z0-9_-]+$',
          description: '`next_cursor` of the previous page',
        },
      },
    },
    auditPage: {
      type: 'object',
      description: 'Issued tokens, newest first; `next_cursor` is null on the last page',
      examples: [
        {
          items: [
            {
              id: 1042,
              tenant_id: 'acme',
              dashboard_id: '0b6f3a52-6a3c-4c43-9d0e-2f1f5b8f2a11',
              subject: 'user:alice',
              ip: '203.0.113.7',
              user_agent: 'Mozilla/5.0',
              issued_at: '2026-11-29T10:00:00.000Z',
              expires_at: '2026-11-29T11:00:00.000Z',
              token_sha256: '9f2c3b7d0d3c1e6a8f4b2a1c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80',
            },
          ],
          next_cursor: 'WzE3NjQ0MTAwMDAwMDAsMTA0Ml0',
        },
      ],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              tenant_id: { type: 'string' },
              dashboard_id: { type: 'string' },
              subject: {
                type: 'string',
                description: 'Who asked: `user:<JWT sub>`, `admin-key`, `cli`, `host:<id>`',
              },
              ip: { type: ['string', 'null'] },
              user_agent: { type: ['string', 'null'] },
              issued_at: { type: 'string', format: 'date-time' },
              expires_at: { type: 'string', format: 'date-time' },
              token_sha256: {
                type: 'string',
                description:
                  'SHA-256 (hex) of the token: match a token you hold; the token itself is never kept',
              },
            },
            required: [
              'id',
              'tenant_id',
              'dashboard_id',
              'subject',
              'ip',
              'user_agent',
              'issued_at',
              'expires_at',
              'token_sha256',
            ],
          },
        },
        next_cursor: { type: ['string', 'null'] },
      },
      required: ['items', 'next_cursor'],
    },
    summaryQuery: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: { ...instant, description: 'Start, inclusive (default: a day before `to`)' },
        to: { ...instant, description: 'End, exclusive (default: now)' },
        top: {
          type: 'string',
          pattern: `^([1-9][0-9]?|${SUMMARY_TOP_MAX})$`,
          description: `Entries per list, 1 to ${SUMMARY_TOP_MAX} (default 10)`,
        },
      },
    },
    auditSummary: {
      type: 'object',
      description:
        'Tokens issued in the range: totals, the busiest tenants and subjects, and the subjects that reached the most distinct tenants',
      examples: [
        {
          from: '2026-11-28T10:00:00.000Z',
          to: '2026-11-29T10:00:00.000Z',
          tokens: 1840,
          tenants: 12,
          subjects: 95,
          by_tenant: [{ tenant_id: 'acme', tokens: 420, subjects: 31 }],
          by_subject: [{ subject: 'user:alice', tokens: 64, tenants: 1 }],
          widest_subjects: [{ subject: 'user:mallory', tenants: 9, tokens: 57 }],
        },
      ],
      properties: {
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        tokens: { type: 'integer' },
        tenants: { type: 'integer' },
        subjects: { type: 'integer' },
        by_tenant: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              tenant_id: { type: 'string' },
              tokens: { type: 'integer' },
              subjects: { type: 'integer' },
            },
          },
        },
        by_subject: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              subject: { type: 'string' },
              tokens: { type: 'integer' },
              tenants: { type: 'integer' },
            },
          },
        },
        widest_subjects: {
          type: 'array',
          description:
            'A subject that reached many tenants is what unusual access looks like: a shared or stolen admin credential, a support account, a bug in your JWT claims',
          items: {
            type: 'object',
            properties: {
              subject: { type: 'string' },
              tenants: { type: 'integer' },
              tokens: { type: 'integer' },
            },
          },
        },
      },
      required: ['from', 'to', 'tokens', 'tenants', 'subjects', 'by_tenant', 'by_subject', 'widest_subjects'],
    },
  };
}

export type Schemas = ReturnType<typeof buildSchemas>;
