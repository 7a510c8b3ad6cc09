/**
 * Request bodies: JSON only (a text/plain body is refused with 415 instead of reaching the schemas as a
 * string), within the body limit, checked by the route schemas with the same strictness whatever the host
 * app configured: no coercion, no silent stripping of extra fields. `__proto__` and
 * `constructor.prototype` keys are refused (400).
 */
import { Ajv } from 'ajv';
import fp from 'fastify-plugin';

export interface JsonBodyPluginOptions {
  bodyLimitBytes: number;
}

function strictValidator() {
  const ajv = new Ajv({
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: false,
    allErrors: false,
    strict: false,
  });
  return ({ schema }: { schema: object }) => ajv.compile(schema);
}

export default fp<JsonBodyPluginOptions>(
  async (fastify, { bodyLimitBytes }) => {
    fastify.setValidatorCompiler(strictValidator());
    fastify.removeContentTypeParser(['application/json', 'text/plain']);
    fastify.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: bodyLimitBytes },
      fastify.getDefaultJsonParser('error', 'error'),
    );
  },
  { name: 'tenantdash-json-body', fastify: '5.x' },
);
