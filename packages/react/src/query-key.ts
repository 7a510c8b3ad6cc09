/** Every tenantdash query starts with this key: `clearEmbedTokens` drops everything under it. */
export const EMBED_TOKEN_QUERY_SCOPE = ['tenantdash', 'embed-token'] as const;

/** One token per signed-in user, tenant, dashboard and token endpoint: never shared across users. */
export function embedTokenQueryKey(
  tenantId: string,
  dashboardId: string | undefined,
  tokenUrl?: string,
  userKey?: string,
) {
  return [
    ...EMBED_TOKEN_QUERY_SCOPE,
    userKey ?? null,
    tenantId,
    dashboardId ?? null,
    tokenUrl ?? null,
  ] as const;
}
