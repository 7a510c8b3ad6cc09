/**
 * A stand-in identity provider for the demo, served by the Vite dev server only. It signs whoever asks in as
 * a demo user: exactly what must never run in production, so it refuses to start there.
 *
 *   POST /demo-identity/sign-in  { "email": "alice@northwind.test" } | { "tenant_id": "fabrikam" }
 *   → 200 { "token": "<HS256 JWT>", "expires_at": <unix s>, "user": { email, name, tenants, admin } }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import type { Plugin } from 'vite';
import { DEMO_USERS, TENANT_ID_PATTERN, tenantUser, type DemoUser } from '../src/demo-users.ts';
import type { DemoDevConfig } from './config.ts';

export const SIGN_IN_PATH = '/demo-identity/sign-in';
const MAX_BODY_BYTES = 1024;

export class IdentityRefusedError extends Error {
  readonly code = 'DEMO_IDENTITY_REFUSED';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}

const fail = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { statusCode: status, code, message });

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function pickUser(body: unknown): DemoUser | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { email, tenant_id: tenantId } = body as Record<string, unknown>;
  if (typeof email === 'string') return DEMO_USERS.find((user) => user.email === email);
  if (typeof tenantId === 'string' && TENANT_ID_PATTERN.test(tenantId)) return tenantUser(tenantId);
  return undefined;
}

export async function signDemoJwt(user: DemoUser, jwt: DemoDevConfig['jwt'], nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + jwt.ttlSeconds;
  const token = await new SignJWT({ name: user.name, tenants: user.tenants, tenantdash_admin: user.admin })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.email)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(jwt.secret));
  return { token, expires_at: exp };
}

/** The endpoint as plain Node middleware (mounted by the plugin; tests mount it on a bare http server). */
export function identityMiddleware(config: DemoDevConfig) {
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    if (req.url?.split('?')[0] !== SIGN_IN_PATH) return next();
    if (req.method !== 'POST') return fail(res, 405, 'METHOD_NOT_ALLOWED', 'Use POST');
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return fail(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json');
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return fail(res, 400, 'INVALID_JSON', 'The body must be a small JSON object');
    }
    const user = pickUser(body);
    if (!user) return fail(res, 400, 'UNKNOWN_USER', 'Pick a demo user or a tenant id like "fabrikam"');
    const signed = await signDemoJwt(user, config.jwt);
    send(res, 200, { ...signed, user });
  };
}

/** Throws unless this is a development setting: the endpoint signs anyone in. */
export function assertDevelopment(config: DemoDevConfig): void {
  if (config.nodeEnv === 'production') {
    throw new IdentityRefusedError(
      'The demo identity endpoint signs anyone in and exists for local development only: refusing to start with NODE_ENV=production.',
    );
  }
}

export function demoIdentity(config: DemoDevConfig): Plugin {
  return {
    name: 'tenantdash-demo-identity',
    apply: 'serve',
    configureServer(server) {
      assertDevelopment(config);
      const handle = identityMiddleware(config);
      server.middlewares.use((req, res, next) => {
        handle(req, res, next).catch(() => fail(res, 500, 'INTERNAL_ERROR', 'Sign-in failed'));
      });
    },
  };
}
