/**
 * The OpenAPI side of the route schemas: error answers described and exemplified from the error catalogue
 * (so a route's documented errors are the catalogue's own codes and messages), and the document's header.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { catalogueBody, ERRORS, type ApiErrorCode } from './errors.js';
import { errorSchema } from './schemas.js';

/** What every route can answer whoever calls it. */
export const ALWAYS: readonly ApiErrorCode[] = [
  'RATE_LIMITED',
  'RATE_LIMIT_UNAVAILABLE',
  'SHUTTING_DOWN',
  'INTERNAL_ERROR',
];
/** What a route that needs a caller can answer about the caller. */
export const CALLER: readonly ApiErrorCode[] = ['UNAUTHENTICATED', 'IDENTITY_PROVIDER_UNAVAILABLE'];
/** Routes that read or write the database. */
export const DATABASE: readonly ApiErrorCode[] = ['DATABASE_UNAVAILABLE'];

const retryAfter = {
  'retry-after': { type: 'integer', description: 'Seconds to wait before retrying' },
} as const;

/**
 * The `response` entries for these error codes: one per status, described by each code's "when", with the
 * catalogue's answer for each code as a named example.
 */
export function errorResponses(...groups: (ApiErrorCode | readonly ApiErrorCode[])[]) {
  const codes = [...new Set(groups.flat())];
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        ...errorSchema,
        description: list.map((code) => `\`${code}\`: ${ERRORS[code].when}`).join('; '),
        ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
        'x-examples': Object.fromEntries(
          list.map((code) => [code, { summary: ERRORS[code].when, value: catalogueBody(code) }]),
        ),
      },
    ]),
  );
}

export const openapiOptions: SwaggerOptions = {
  openapi: {
    info: {
      title: 'tenantdash token server',
      version: '0.1.0',
      description:
        'Maps your tenants to Papermap dashboards and mints short-lived embed tokens for signed-in users. ' +
        'Every error is `{ statusCode, code, error, message }` with a stable `code`; 429 and 503 answers carry ' +
        '`Retry-After`. Users send `Authorization: Bearer <JWT>`; backends send `X-Admin-Key`.',
    },
    tags: [
      { name: 'tokens', description: 'Embed tokens for the browser' },
      { name: 'dashboards', description: 'Tenant → dashboard mappings and provisioning' },
      { name: 'tenants', description: 'Tenants and the kill switch' },
      { name: 'usage', description: 'Papermap credit usage' },
      { name: 'audit', description: 'Who was issued which token, and when (admins)' },
      { name: 'operations', description: 'Health, readiness and metrics for load balancers and Prometheus' },
    ],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        adminKey: { type: 'apiKey', in: 'header', name: 'X-Admin-Key' },
      },
    },
    security: [{ bearer: [] }, { adminKey: [] }],
  },
};
