/**
 * Logger settings for the standalone server. Embed tokens travel in URLs and credentials in headers, so
 * request lines keep the path without its query string, headers are never logged, and a redaction list
 * covers the fields that could still carry a secret.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.js';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-admin-key"]',
  'req.headers["x-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-signature"]',
  'token',
  'secretKey',
  'secret_key',
  'signature',
  '*.token',
  '*.secretKey',
  '*.signature',
];

export function pathOnly(url: string | undefined): string {
  if (url === undefined) return '';
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

export function loggerOptions(
  level: LogLevel,
  stream?: { write(line: string): void },
): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: pathOnly(request.url),
          ip: request.ip,
          id: request.id,
        };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}

/**
 * One access-log line per request instead of Fastify's two ("incoming request" + "request completed"): the
 * completion line carries the request too (method, path without query, ip, id), its status and duration.
 * Log lines are a measurable share of the token endpoint's CPU at `info`; a request that never completes is
 * still visible through its own error or the client's timeout.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
