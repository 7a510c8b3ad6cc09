// The kit in this process, for the tests and benchmarks that drive clocks or networks around it (clock-skew
// test, time-to-dashboard bench): a sandbox with one workspace, token servers on it, a tenant provisioned,
// a user's JWT, and how Chromium is launched here. The demo itself runs them as child processes (stack.mjs).
import { buildSandbox } from '@tenantdash/sandbox';
import { buildApp, loadConfig } from '@tenantdash/server';
import { SignJWT } from 'jose';

/** Debian's Chromium as every browser test here starts it (no download, nothing phoning home). */
export { CHROMIUM_LAUNCH } from '@tenantdash/test-utils/chromium';

const listening = async (app) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address();
  return { app, port, url: `http://127.0.0.1:${port}` };
};

/** A sandbox holding only `workspace`, whose embed page may be framed by `allowedOrigins`. */
export async function startSandbox({ workspace, allowedOrigins, now }) {
  const app = await buildSandbox({
    databasePath: ':memory:',
    seedDemo: false,
    logger: false,
    ...(now ? { now } : {}),
    workspaces: [
      { id: workspace.id, apiKeys: [{ id: workspace.keyId, secret: workspace.secret }], allowedOrigins },
    ],
  });
  return listening(app);
}

/** A token server on SQLite at `databasePath`, for `workspace` on the sandbox at `sandboxUrl`. */
export async function startTokenServer({
  databasePath,
  sandboxUrl,
  embedUrl,
  workspace,
  jwt,
  adminKey,
  now,
  env,
}) {
  const config = loadConfig({
    DATABASE_URL: `sqlite:${databasePath}`,
    PAPERMAP_API_URL: `${sandboxUrl}/`,
    PAPERMAP_EMBED_URL: embedUrl,
    PAPERMAP_WORKSPACE_ID: workspace.id,
    PAPERMAP_API_KEY_ID: workspace.keyId,
    PAPERMAP_SECRET_KEY: workspace.secret,
    AUTH_JWT_SECRET: jwt.secret,
    AUTH_ISSUER: jwt.issuer,
    AUTH_AUDIENCE: jwt.audience,
    AUTH_TENANTS_CLAIM: 'tenants',
    ADMIN_API_KEYS: adminKey,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await buildApp(config, { ...(now ? { now } : {}), logStream: { write: () => undefined } });
  return listening(app);
}

/** Gives `tenantId` a dashboard through the token server's admin API. */
export async function provisionTenant(serverUrl, adminKey, tenantId, name) {
  const created = await fetch(`${serverUrl}/api/v1/dashboards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': adminKey },
    body: JSON.stringify({ tenant_id: tenantId, name }),
  });
  if (created.status !== 201) throw new Error(`provisioning ${tenantId} answered ${created.status}`);
}

/** A user's bearer JWT, HS256 with the identity settings `jwt`, for the tenants given. */
export function signUserJwt(jwt, subject, tenants, expirationTime = '1h') {
  return new SignJWT({ tenants })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(expirationTime)
    .sign(new TextEncoder().encode(jwt.secret));
}
