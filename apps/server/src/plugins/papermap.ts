/** The signed Papermap client, exposed as `fastify.papermap`. */
import fp from 'fastify-plugin';
import type { ServerConfig } from '../config.js';
import { PapermapClient } from '../services/papermap-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    papermap: PapermapClient;
  }
}

export default fp<{ config: ServerConfig }>(
  async (fastify, { config }) => {
    const client = new PapermapClient({
      apiKeyId: config.papermap.apiKeyId,
      secretKey: config.papermap.secretKey,
      workspaceId: config.papermap.workspaceId,
      apiUrl: config.papermap.apiUrl,
      timeoutMs: config.upstream.timeoutMs,
      retries: config.upstream.retries,
      retryBaseDelayMs: config.upstream.retryBaseDelayMs,
      onAttemptFailed: (info) => fastify.log.warn(info, 'papermap request failed'),
      // The client itself knows nothing of metrics (a no-op when they are off).
      onUpstreamResult: fastify.telemetry.observeUpstream,
    });
    fastify.decorate('papermap', client);
  },
  { name: 'tenantdash-papermap', fastify: '5.x', dependencies: ['tenantdash-metrics'] },
);
