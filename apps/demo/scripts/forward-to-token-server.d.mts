// Types for forward-to-token-server.mjs.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Passes `request` on to `url` (the token server) and its answer back on `response`. */
export function forwardToTokenServer(
  request: IncomingMessage,
  response: ServerResponse,
  url: string,
): Promise<void>;
