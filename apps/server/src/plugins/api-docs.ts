/**
 * The API documentation: the OpenAPI document (built by @fastify/swagger from the route schemas, at
 * `/docs/json`) and swagger-ui at `/docs`, with the page's own Content-Security-Policy. Registered before the
 * routes, which it collects as they are added; `DOCS_ENABLED=false` leaves it out.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { openapiOptions } from '../openapi.js';

/**
 * The docs page's CSP: swagger-ui's own strict one, except that swagger-ui sets inline styles (blocked, and
 * logged as a console error, without 'unsafe-inline'; styles cannot run code), and without
 * `upgrade-insecure-requests`, which would send the page's same-origin fetch of /docs/json to https on a
 * server reached over plain HTTP inside a network.
 */
function docsContentSecurityPolicy(header: string): string {
  return header
    .replace(/style-src ([^;]*);/, (_all, sources: string) => `style-src ${sources.trim()} 'unsafe-inline';`)
    .replace(/\s*upgrade-insecure-requests;?/, '');
}

export default fp(
  async (fastify) => {
    await fastify.register(swagger, openapiOptions);
    await fastify.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: docsContentSecurityPolicy,
    });
  },
  { name: 'tenantdash-api-docs', fastify: '5.x' },
);
