import type { FastifyError, FastifyInstance } from 'fastify';
import type { SandboxConfig } from './config.js';
import { ApiError, errorBody } from './errors.js';
import configPlugin from './plugins/config.js';
import faultsPlugin from './plugins/faults.js';
import storePlugin from './plugins/store.js';
import adminRoutes from './routes/admin.js';
import embedRoutes from './routes/embed.js';
import externalApi from './routes/external.js';

// Fastify's own 4xx errors (bad JSON, wrong content type, body too large) in Papermap's error shape.
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
};

function toApiError(error: FastifyError): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    return new ApiError(400, 'INVALID_JSON', 'The body is not valid JSON');
  }
  const code = FRAMEWORK_CODES[error.code] ?? 'BAD_REQUEST';
  return new ApiError(status, code, code === 'BAD_REQUEST' ? 'Bad request' : code.toLowerCase().replaceAll('_', ' '));
}

/** The whole sandbox as one plugin: shared services first, then the three route groups. */
export default async function sandboxApp(app: FastifyInstance, opts: { config: SandboxConfig }): Promise<void> {
  await app.register(configPlugin, { config: opts.config });
  await app.register(storePlugin, { config: opts.config });
  await app.register(faultsPlugin, { config: opts.config });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const known = toApiError(error);
    if (known !== undefined) return reply.code(known.status).send(errorBody(known));
    // Generic on purpose: a 5xx body never carries internals.
    request.log.error({ err: { type: error.name, code: error.code } }, 'request failed');
    return reply.code(500).send({ error: 'Internal server error', code: 'INTERNAL_ERROR', status: 500 });
  });

  app.setNotFoundHandler(async (_request, reply) =>
    reply.code(404).send({ error: 'Not found', code: 'NOT_FOUND', status: 404 }),
  );

  await app.register(externalApi);
  await app.register(embedRoutes);
  await app.register(adminRoutes);
}
