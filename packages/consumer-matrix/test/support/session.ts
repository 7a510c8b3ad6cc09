// The signed-in user's session token: an HS256 JWT from the identity provider the token server trusts (the
// demo's, see apps/demo/identity), naming the tenants the user may see.
import { SignJWT } from 'jose';
import type { MatrixContext } from './context.js';

export function userSessionToken(ctx: MatrixContext, tenants: string[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: 'Consumer matrix', tenants, tenantdash_admin: false })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('matrix@consumer.test')
    .setIssuer(ctx.jwt.issuer)
    .setAudience(ctx.jwt.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(ctx.jwt.secret));
}
