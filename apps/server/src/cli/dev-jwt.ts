/**
 * `dev-jwt`: a user JWT signed with the configured HS256 secret, so the API can be tried with curl before an
 * identity provider is wired up. It can sign in anyone as anything, so it refuses to run in production.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { jwtSettings } from '../settings/auth.js';
import { type Env, SettingError } from '../settings/read.js';
import { UsageError } from './usage.js';

const DEV_JWT_DEFAULT_TTL_SECONDS = 3600;
const DEV_JWT_MAX_TTL_SECONDS = 86_400;

class DevJwtRefused extends Error {
  readonly code = 'DEV_JWT_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DevJwtRefused';
  }
}

export async function devJwt(args: string[], env: Env, now: () => number): Promise<string> {
  if (env.NODE_ENV?.trim() === 'production')
    throw new DevJwtRefused('dev-jwt signs in anyone and refuses to run with NODE_ENV=production');
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        tenant: { type: 'string', multiple: true },
        admin: { type: 'boolean' },
        ttl: { type: 'string' },
      },
    });
  } catch {
    throw new UsageError('dev-jwt');
  }
  const [subject, ...extra] = parsed.positionals;
  const { tenant = [], admin = false, ttl } = parsed.values;
  if (subject === undefined || subject === '' || subject.length > 255 || extra.length > 0)
    throw new UsageError('dev-jwt');
  if (tenant.some((id) => id === '')) throw new UsageError('dev-jwt');
  const ttlSeconds = ttl === undefined ? DEV_JWT_DEFAULT_TTL_SECONDS : Number(ttl);
  if (!/^[0-9]+$/.test(ttl ?? '1') || ttlSeconds < 1 || ttlSeconds > DEV_JWT_MAX_TTL_SECONDS)
    throw new UsageError('dev-jwt');

  const jwt = jwtSettings(env);
  if (jwt?.secret === undefined) {
    throw new SettingError(
      'AUTH_JWT_SECRET',
      jwt?.jwksUrl !== undefined
        ? 'is not set: with AUTH_JWKS_URL your identity provider issues the JWTs, dev-jwt cannot'
        : 'is required by dev-jwt (with AUTH_ISSUER and AUTH_AUDIENCE)',
    );
  }
  const issuedAt = Math.floor(now() / 1000);
  return new SignJWT({
    [jwt.tenantsClaim]: tenant,
    ...(admin ? { [jwt.adminClaim]: true } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .sign(new TextEncoder().encode(jwt.secret));
}
