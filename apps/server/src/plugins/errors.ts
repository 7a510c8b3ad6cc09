/**
 * One error shape for every failure: `{ statusCode, code, error, message }`. Fastify's own errors (bad JSON,
 * wrong content type, body too large, schema validation, unknown route) get stable codes too; anything
 * unexpected is logged and answered with a generic 500 that reveals nothing. (Unknown routes are answered by
 * plugins/rate-limit.ts: they count against the global limit.) A dependency that is down for now (database,
 * Redis) is a 503 with a code and `Retry-After`, never a 500 with a driver's message.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, databaseUnavailable } from '../db/unavailable.js';
import { ApiError, apiError, errorBody, otherClientError, MESSAGES, type ApiErrorCode } from '../errors.js';

const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
};

function translate(error: FastifyError): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  if (error.validation) {
    // Fastify's message names the field and the rule (never the value), e.g. "body/name must NOT have more than 200 characters".
    return apiError('VALIDATION_FAILED', error.message.slice(0, 300));
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return apiError(mapped);
  // secure-json-parse refuses `__proto__` / `constructor.prototype` with a SyntaxError carrying a 400.
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return apiError('INVALID_JSON', MESSAGES.invalidJsonPrototype);
  }
  if (error.statusCode === 429) return apiError('RATE_LIMITED', MESSAGES.rateLimitedLater);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return otherClientError(error.statusCode);
  }
  return undefined;
}

export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      let known = translate(error);
      if (!known) {
        request.log.error({ err: error }, 'unexpected error');
        known = apiError('INTERNAL_ERROR');
      } else if (known.statusCode >= 500) request.log.warn({ code: known.code }, known.message);
      if (known.retryAfterSeconds !== undefined) reply.header('retry-after', String(known.retryAfterSeconds));
      return reply.code(known.statusCode).send(errorBody(known.statusCode, known.code, known.message));
    });
  },
  { name: 'tenantdash-errors', fastify: '5.x' },
);
