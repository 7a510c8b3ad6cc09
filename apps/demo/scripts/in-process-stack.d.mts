// Types for in-process-stack.mjs.
import type { buildSandbox } from '@tenantdash/sandbox';

/** A Fastify app (the sandbox's and the token server's are both). */
type FastifyInstance = Awaited<ReturnType<typeof buildSandbox>>;

export interface Workspace {
  id: string;
  keyId: string;
  secret: string;
}
export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}
export interface Listening {
  app: FastifyInstance;
  port: number;
  url: string;
}

export { CHROMIUM_LAUNCH } from '@tenantdash/test-utils/chromium';

export function startSandbox(options: {
  workspace: Workspace;
  allowedOrigins: string[];
  now?: () => number;
}): Promise<Listening>;

export function startTokenServer(options: {
  databasePath: string;
  sandboxUrl: string;
  embedUrl: string;
  workspace: Workspace;
  jwt: JwtSettings;
  adminKey: string;
  now?: () => number;
  env?: Record<string, string>;
}): Promise<Listening>;

export function provisionTenant(
  serverUrl: string,
  adminKey: string,
  tenantId: string,
  name: string,
): Promise<void>;

export function signUserJwt(
  jwt: JwtSettings,
  subject: string,
  tenants: string[],
  expirationTime?: string,
): Promise<string>;
