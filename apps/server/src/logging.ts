/**
 * Logger settings for the standalone server. Embed tokens travel in URLs and credentials in headers, so
 * request lines keep the path without its query string, headers are never logged, and a redaction list
 * covers the fields that could still carry a secret.
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { LogLevel } from './config.js';

/**
 * Keys whose values never reach a log line, at any depth, compared case-insensitively: credentials in headers
 * (`authorization`, `x-admin-key`, `x-signature`, `cookie`) and token, secret and signature fields.
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'x-admin-key',
  'x-signature',
  'cookie',
  'token',
  'secretkey',
  'secret_key',
  'signature',
]);
const CENSOR = '[redacted]';

// A JSON key in a log line, plain (`"token":`) or inside a string that holds JSON (`\"token\":`).
// The keys are plain `[a-z_-]` words, safe inside a regular expression as they are.
const SENSITIVE_KEY = new RegExp(`\\\\?"(?:${[...REDACTED_KEYS].join('|')})\\\\?":`, 'i');

/**
 * Redaction of one finished log line (pino's documented `hooks.streamWrite`). pino's own path-based `redact`
 * cost more per request on the token endpoint than the rest of its log line (it clones and re-serialises
 * every logged object for its wildcard paths; README, "Benchmark", earlier rounds), whereas almost no line
 * holds any of these keys: one regular-expression test clears those. A line that does is parsed and each
 * such key's value, at any depth, replaced; a string value that itself holds one (JSON interpolated into a
 * message) is replaced whole.
 */
export function redactLine(line: string): string {
  if (!SENSITIVE_KEY.test(line)) return line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return `${JSON.stringify({ level: 40, msg: 'log line withheld: not JSON' })}\n`;
  }
  const redacted = JSON.stringify(parsed, (key, value: unknown) => {
    if (REDACTED_KEYS.has(key.toLowerCase())) return CENSOR;
    if (typeof value === 'string' && SENSITIVE_KEY.test(JSON.stringify(value))) return CENSOR;
    return value;
  });
  return line.endsWith('\n') ? `${redacted}\n` : redacted;
}

function pathOnly(url: string | undefined): string {
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
    hooks: { streamWrite: redactLine },
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

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What a route adds to the request's access-log line (the token endpoint: tenant, dashboard, subject and
     * expiry of the token it issued). Routes that set it decorate it; elsewhere it is absent.
     */
    accessLogFields?: Readonly<Record<string, unknown>> | null;
  }
}

/**
 * One access-log line per request instead of Fastify's two ("incoming request" + "request completed"): the
 * completion line carries the request too (method, path without query, ip, id), its status and duration,
 * plus what the route put in `accessLogFields` (so the token endpoint needs no line of its own; `buildApp`
 * tells the routes this server has it). `LogController` is Fastify's documented way to shape request logs.
 * Log lines are a measurable share of the token endpoint's CPU at `info` (pino's JSON and one synchronous
 * write; the README's "Benchmark" has the profile); a request that never completes is still visible through
 * its own error or the client's timeout.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const fields = request.accessLogFields;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime, ...fields };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
