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
const FRAMEWORK_ERRORS: Record<string, [code: string, message: string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_BODY', 'The body must not be empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['INVALID_JSON', 'The body is not valid JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'The body is too large'],
};

function toApiError(error: FastifyError): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const status = error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (error instanceof SyntaxError) return new ApiError(400, 'INVALID_JSON', 'The body is not valid JSON');
  const [code, message] = FRAMEWORK_ERRORS[error.code] ?? ['BAD_REQUEST', 'Bad request'];
  return new ApiError(status, code, message);
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
