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
      // Registered before this plugin when metrics are on; the client itself knows nothing of them.
      ...(fastify.hasDecorator('tenantdashMetrics')
        ? { onUpstreamResult: fastify.tenantdashMetrics.observeUpstream }
        : {}),
    });
    fastify.decorate('papermap', client);
  },
  { name: 'tenantdash-papermap', fastify: '5.x' },
);
