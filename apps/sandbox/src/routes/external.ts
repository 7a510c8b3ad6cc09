import type { VerifiedRequest } from '@tenantdash/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultSettings } from '../faults.js';
import { DEFAULT_FAULT_DELAY_MS, DEFAULT_FAULT_STATUS } from '../faults.js';
import { errorBody, injectedFault } from '../errors.js';
import { verifySignedRequest } from '../signed-request.js';
import createDashboard from './create-dashboard.js';
import tenantUsage from './tenant-usage.js';

declare module 'fastify' {
  interface FastifyRequest {
    signed: VerifiedRequest;
    fault: FaultSettings | undefined;
  }
}

const MALFORMED_BODY = '{"success": true, "message": "Dashboard created", "data": {"dashboard_id": ';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Applies the active fault; returns true when the request was answered (or dropped) here. */
async function applyFault(
  request: FastifyRequest,
  reply: FastifyReply,
  fault: FaultSettings,
): Promise<boolean> {
  switch (fault.mode) {
    case 'slow':
      await sleep(fault.delay_ms ?? DEFAULT_FAULT_DELAY_MS);
      return false;
    case 'error': {
      const failure = injectedFault(fault.status ?? DEFAULT_FAULT_STATUS);
      await reply.code(failure.statusCode).send(errorBody(failure));
      return true;
    }
    case 'drop':
      reply.hijack();
      // Destroying the response is what light-my-request (inject) sees; the socket is what real clients see.
      reply.raw.destroy();
      request.raw.socket?.destroy();
      return true;
    default:
      return false;
  }
}

/**
 * The signed data API (docs/papermap-protocol.md §5). Faults are applied first (an outage
 * does not care who calls), then the signature is verified before any body is parsed.
 */
export default async function externalApi(app: FastifyInstance): Promise<void> {
  // JSON bodies only, as the docs send them: a text/plain body is 415 UNSUPPORTED_MEDIA_TYPE like any other
  // non-JSON type, not a string handed to validation (this plugin is encapsulated: the embed page's routes
  // keep Fastify's parsers).
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('signed', null as unknown as VerifiedRequest);
  app.decorateRequest('fault', undefined);

  app.addHook('onRequest', async (request, reply) => {
    const fault = app.faults.take();
    request.fault = fault;
    if (fault !== undefined && (await applyFault(request, reply, fault))) return reply;
    request.signed = await verifySignedRequest(request, app.store, app.config);
    return undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.fault?.mode === 'malformed' && reply.statusCode === 200) return MALFORMED_BODY;
    return payload;
  });

  await app.register(createDashboard);
  await app.register(tenantUsage);
}
