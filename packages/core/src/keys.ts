/** What a verifier knows about an API key: its secret and the one workspace it may sign for. */
export interface ResolvedKey {
  secretKey: string;
  workspaceId: string;
}

/** Looks up an API key id; returns nothing for an unknown (or revoked) key. */
export type ResolveKey = (
  apiKeyId: string,
) => ResolvedKey | null | undefined | Promise<ResolvedKey | null | undefined>;
