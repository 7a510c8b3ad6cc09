/**
 * Settings of the demo's development-only pieces (identity endpoint, API proxy), read once from the
 * environment by vite.config.ts. The defaults match scripts/dev.mjs, so nothing needs configuring.
 */
export interface DemoDevConfig {
  nodeEnv: string | undefined;
  /** The token server the dev server proxies `/api` to. */
  tokenServerUrl: string;
  /** Hot reload and file watching; off for the end-to-end tests (a rebuilt dependency must not reload the page). */
  hmr: boolean;
  jwt: { secret: string; issuer: string; audience: string; ttlSeconds: number };
}

/** Public, fixed, local-only: the token server started by scripts/dev.mjs trusts JWTs signed with it. */
export const DEMO_JWT_DEFAULTS = {
  secret: 'tenantdash-demo-jwt-secret-for-local-use-only',
  issuer: 'tenantdash-demo-identity',
  audience: 'tenantdash',
  ttlSeconds: 8 * 3600,
} as const;

export const DEFAULT_TOKEN_SERVER_URL = 'http://127.0.0.1:4000';

export function demoDevConfig(env: Readonly<Record<string, string | undefined>>): DemoDevConfig {
  const ttl =
    env.DEMO_JWT_TTL_SECONDS === undefined ? DEMO_JWT_DEFAULTS.ttlSeconds : Number(env.DEMO_JWT_TTL_SECONDS);
  if (!Number.isSafeInteger(ttl) || ttl < 60 || ttl > 86_400) {
    throw new Error('DEMO_JWT_TTL_SECONDS must be a whole number between 60 and 86400');
  }
  const secret = env.DEMO_JWT_SECRET ?? DEMO_JWT_DEFAULTS.secret;
  if (Buffer.byteLength(secret) < 32) throw new Error('DEMO_JWT_SECRET must be at least 32 bytes long');
  return {
    nodeEnv: env.NODE_ENV,
    tokenServerUrl: env.DEMO_TOKEN_SERVER_URL ?? DEFAULT_TOKEN_SERVER_URL,
    hmr: env.DEMO_HMR !== 'false',
    jwt: {
      secret,
      issuer: env.DEMO_JWT_ISSUER ?? DEMO_JWT_DEFAULTS.issuer,
      audience: env.DEMO_JWT_AUDIENCE ?? DEMO_JWT_DEFAULTS.audience,
      ttlSeconds: ttl,
    },
  };
}
