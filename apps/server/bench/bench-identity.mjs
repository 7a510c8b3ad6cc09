// The benches' identity provider: the HS256 secret, issuer and audience their token servers are configured with,
// and the JWT of the one user whose token requests they send (member of `bench-tenant`).
import { SignJWT } from 'jose';

/** The settings a bench's token server verifies JWTs with. */
export const BENCH_AUTH_ENV = {
  AUTH_JWT_SECRET: 'bench-jwt-secret-0123456789-0123456789-xyz',
  AUTH_ISSUER: 'https://idp.bench',
  AUTH_AUDIENCE: 'bench',
};

export function benchUserJwt() {
  return new SignJWT({ tenants: ['bench-tenant'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-user')
    .setIssuer(BENCH_AUTH_ENV.AUTH_ISSUER)
    .setAudience(BENCH_AUTH_ENV.AUTH_AUDIENCE)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(BENCH_AUTH_ENV.AUTH_JWT_SECRET));
}
