import type { FastifyError, FastifyInstance } from 'fastify';
import type { SandboxConfig } from './config.js';
import { ApiError, apiError, ERRORS, errorBody, MESSAGES, otherClientError } from './errors.js';
import configPlugin from './plugins/config.js';
import faultsPlugin from './plugins/faults.js';
import storePlugin from './plugins/store.js';
import adminRoutes from './routes/admin.js';
import embedRoutes from './routes/embed.js';
import externalApi from './routes/external.js';

// Fastify's own 4xx errors (bad JSON, wrong content type, body too large) in Papermap's error shape.
const FRAMEWORK_ERRORS: Record<string, () => ApiError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => apiError('UNSUPPORTED_MEDIA_TYPE'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => apiError('INVALID_BODY', MESSAGES.emptyBody),
  FST_ERR_CTP_INVALID_JSON_BODY: () => apiError('INVALID_JSON'),
  FST_ERR_CTP_BODY_TOO_LARGE: () => apiError('PAYLOAD_TOO_LARGE'),
};

function toApiError(error: FastifyError): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (error instanceof SyntaxError) return apiError('INVALID_JSON');
  return FRAMEWORK_ERRORS[error.code]?.() ?? otherClientError(status);
}

/** The whole sandbox as one plugin: shared services first, then the three route groups. */
export default async function sandboxApp(
  app: FastifyInstance,
  opts: { config: SandboxConfig },
): Promise<void> {
  await app.register(configPlugin, { config: opts.config });
  await app.register(storePlugin, { config: opts.config });
  await app.register(faultsPlugin, { config: opts.config });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const known = toApiError(error);
    if (known !== undefined) return reply.code(known.statusCode).send(errorBody(known));
    // Generic on purpose: a 5xx body never carries internals.
    request.log.error({ err: { type: error.name, code: error.code } }, 'request failed');
    const failure = apiError('INTERNAL_ERROR');
    return reply.code(failure.statusCode).send(errorBody(failure));
  });

  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(ERRORS.NOT_FOUND.status).send(errorBody(apiError('NOT_FOUND'))),
  );

  await app.register(externalApi);
  await app.register(embedRoutes);
  await app.register(adminRoutes);
}
