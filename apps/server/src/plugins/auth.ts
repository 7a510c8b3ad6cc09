/**
 * Who is asking, and what they may touch. Two modes:
 * - standalone: a bearer JWT verified with jose (HS256 secret or a JWKS URL; issuer, audience, expiry checked)
 *   whose claims list the user's tenants and mark admins, or an admin API key in `X-Admin-Key`;
 * - embedded in a host app: the host's `authorize(request, tenantId)` hook decides (tenantId `null` = admin).
 * A tenant the caller may not use answers exactly like a tenant that does not exist (404 TENANT_NOT_FOUND).
 */
import { createHash, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';
import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtAuthConfig } from '../config.js';
import { ApiError, forbidden, tenantNotFound, unauthenticated } from '../errors.js';
import { failureLog } from '../services/failure-log.js';
import { RemoteKeys } from '../services/jwks.js';

export interface Identity {
  subject: string;
  via: 'jwt' | 'admin-key' | 'host';
  admin: boolean;
  tenants: ReadonlySet<string>;
}

export type AuthorizeHook = (request: FastifyRequest, tenantId: string | null) => boolean | Promise<boolean>;
export type IdentifyHook = (request: FastifyRequest) => string | undefined | Promise<string | undefined>;

export interface AuthPluginOptions {
  jwt?: JwtAuthConfig;
  adminApiKeys: readonly string[];
  authorize?: AuthorizeHook;
  identify?: IdentifyHook;
  /** Clock of the JWKS back-off. */
  now?: () => number;
}

export interface Access {
  /**
   * preParsing hook: 401 unless the caller is identified. It runs after the rate limit (an onRequest hook),
   * so failed credentials count against the caller's IP like any request, and before the body is read.
   */
  authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: RequestPayload,
  ): Promise<RequestPayload>;
  /**
   * Identifies the caller when possible; a failure is kept for `requireIdentity` (lets rate limits count it
   * by IP). A callback hook: a JWT verified before is answered without a promise.
   */
  identifyQuietly(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void;
  requireIdentity(request: FastifyRequest): Identity;
  /** Synchronous unless a host app's `authorize` hook decides. */
  mayUseTenant(request: FastifyRequest, tenantId: string): boolean | Promise<boolean>;
  /** Throws (or rejects, when a host app's hook decides) TENANT_NOT_FOUND unless the caller may use it. */
  assertTenant(request: FastifyRequest, tenantId: string): void | Promise<void>;
  isAdmin(request: FastifyRequest): Promise<boolean>;
  assertAdmin(request: FastifyRequest): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    access: Access;
  }
  interface FastifyRequest {
    identity: Identity | null;
    authFailure: ApiError | null;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function keyMatcher(keys: readonly string[]): (candidate: string) => boolean {
  const digests = keys.map(digest);
  // Comparing fixed-length digests in constant time, and always all of them, leaks neither key nor length.
  return (candidate) => {
    const wanted = digest(candidate);
    let found = false;
    for (const known of digests) found = timingSafeEqual(known, wanted) || found;
    return found;
  };
}

function claimStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function adminFromClaim(value: unknown): boolean {
  return value === true || claimStrings(value).includes('admin');
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(header);
  return match?.[1];
}

export default fp<AuthPluginOptions>(
  async (fastify, options) => {
    fastify.decorateRequest('identity', null);
    fastify.decorateRequest('authFailure', null);
    const isAdminKey = keyMatcher(options.adminApiKeys);
    const jwtConfig = options.jwt;
    let key: KeyObject | JWTVerifyGetKey | undefined;
    // A KeyObject made once, so each verification skips importing the secret again.
    if (jwtConfig?.secret !== undefined) key = createSecretKey(Buffer.from(jwtConfig.secret, 'utf8'));
    else if (jwtConfig?.jwksUrl !== undefined) {
      const logFailure = failureLog(
        fastify.log,
        'identity provider unreachable: JWT checks answer 503 IDENTITY_PROVIDER_UNAVAILABLE',
      );
      key = new RemoteKeys(jwtConfig.jwksUrl, {
        timeoutMs: jwtConfig.jwksTimeoutMs,
        onFailure: logFailure,
        ...(options.now ? { now: options.now } : {}),
      }).getKey;
    }
    const algorithms = jwtConfig?.secret !== undefined ? ['HS256'] : ['RS256', 'PS256', 'ES256', 'EdDSA'];

    // Verified tokens, reused until their own expiry: a browser sends the same session JWT many times and
    // verification is the costliest step of the token endpoint. Same bytes, same verdict; exp still applies.
    const verifiedCache = new Map<string, { identity: Identity; expiresMs: number }>();
    const VERIFIED_CACHE_MAX = 10_000;
    // Also bounded in time, so a key withdrawn from the JWKS stops working within minutes.
    const VERIFIED_CACHE_MS = 5 * 60 * 1000;

    /** The identity of a token verified before and not yet expired, without a promise. */
    function cachedJwtIdentity(token: string): Identity | undefined {
      const cached = verifiedCache.get(token);
      if (cached) {
        if (cached.expiresMs > Date.now()) return cached.identity;
        verifiedCache.delete(token);
      }
      return undefined;
    }

    async function verifyJwt(token: string): Promise<Identity | null> {
      const cached = cachedJwtIdentity(token);
      if (cached) return cached;
      const verified = await verifyJwtUncached(token);
      if (verified) {
        if (verifiedCache.size >= VERIFIED_CACHE_MAX) verifiedCache.clear();
        verifiedCache.set(token, {
          identity: verified.identity,
          expiresMs: Math.min(verified.expiresMs, Date.now() + VERIFIED_CACHE_MS),
        });
      }
      return verified?.identity ?? null;
    }

    async function verifyJwtUncached(
      token: string,
    ): Promise<{ identity: Identity; expiresMs: number } | null> {
      if (!jwtConfig || !key) return null;
      let payload: JWTPayload;
      try {
        const verified = await jwtVerify(token, key as KeyObject, {
          issuer: jwtConfig.issuer,
          audience: jwtConfig.audience,
          algorithms,
          clockTolerance: jwtConfig.clockToleranceSeconds,
          requiredClaims: ['sub', 'exp'],
        });
        payload = verified.payload;
      } catch (error) {
        // The identity provider could not be asked (503): not a verdict on the token.
        if (error instanceof ApiError) throw error;
        return null;
      }
      if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number')
        return null;
      return {
        identity: {
          subject: `user:${payload.sub}`,
          via: 'jwt',
          admin: adminFromClaim(payload[jwtConfig.adminClaim]),
          tenants: new Set(claimStrings(payload[jwtConfig.tenantsClaim])),
        },
        // Without the clock tolerance: a cached verdict never outlives the token's own exp.
        expiresMs: payload.exp * 1000,
      };
    }

    /** `identify` without a promise when the request carries a bearer JWT verified before (the common case). */
    function identifyNow(request: FastifyRequest): Identity | undefined {
      if (options.authorize || request.headers['x-admin-key'] !== undefined) return undefined;
      const token = bearer(request);
      return token === undefined ? undefined : cachedJwtIdentity(token);
    }

    async function identify(request: FastifyRequest): Promise<Identity> {
      if (options.authorize) {
        const subject = (await options.identify?.(request)) ?? 'host';
        return { subject: `host:${subject}`, via: 'host', admin: false, tenants: new Set() };
      }
      const adminKey = request.headers['x-admin-key'];
      if (typeof adminKey === 'string' && adminKey !== '') {
        if (isAdminKey(adminKey))
          return { subject: 'admin-key', via: 'admin-key', admin: true, tenants: new Set() };
        throw unauthenticated();
      }
      const token = bearer(request);
      const identity = token === undefined ? null : await verifyJwt(token);
      if (!identity) throw unauthenticated();
      return identity;
    }

    const access: Access = {
      async authenticate(request, _reply, payload) {
        request.identity = await identify(request);
        return payload;
      },
      identifyQuietly(request, _reply, done) {
        const known = identifyNow(request);
        if (known) {
          request.identity = known;
          return done();
        }
        identify(request).then(
          (identity) => {
            request.identity = identity;
            done();
          },
          (error: unknown) => {
            request.authFailure = error as ApiError;
            done();
          },
        );
      },
      requireIdentity(request) {
        if (request.identity) return request.identity;
        throw request.authFailure ?? unauthenticated();
      },
      // Not async: the token endpoint asks on every request, and a JWT caller's answer needs no promise.
      mayUseTenant(request, tenantId) {
        const identity = access.requireIdentity(request);
        if (identity.via === 'host') {
          return Promise.resolve(options.authorize?.(request, tenantId)).then((allowed) => allowed === true);
        }
        return identity.admin || identity.tenants.has(tenantId);
      },
      assertTenant(request, tenantId) {
        const allowed = access.mayUseTenant(request, tenantId);
        if (allowed === true) return;
        if (allowed === false) throw tenantNotFound();
        return allowed.then((yes) => {
          if (!yes) throw tenantNotFound();
        });
      },
      async isAdmin(request) {
        const identity = access.requireIdentity(request);
        if (identity.via === 'host') return (await options.authorize?.(request, null)) === true;
        return identity.admin;
      },
      async assertAdmin(request) {
        if (!(await access.isAdmin(request))) throw forbidden();
      },
    };
    fastify.decorate('access', access);
  },
  { name: 'tenantdash-auth', fastify: '5.x' },
);
