/** Papermap's documented defaults and the caps tenantdash enforces on both sides of the wire. */

/** The lifetime Papermap's docs advise for a signed API request (`valid_until = now + 300`). */
export const DEFAULT_REQUEST_TTL_SECONDS = 300;
/** Papermap's default embed-token lifetime: one hour. */
export const DEFAULT_EMBED_TOKEN_TTL_SECONDS = 3600;
/**
 * The furthest ahead a `valid_until` may lie, for the signer and the verifier alike: 24 hours. (A literal, not
 * `24 * 60 * 60`: bundlers drop an unused literal, not an unused product, from a browser bundle.) The cap is what stops
 * the no-separator forgery (docs/papermap-protocol.md §7.2): shifting a workspace id's last digit into `valid_until`
 * multiplies it by ten or more.
 */
export const DEFAULT_MAX_LIFETIME_SECONDS = 86_400;
/** Ids (API key, workspace, tenant, dashboard) longer than this are refused. Counted in code points. */
export const MAX_ID_LENGTH = 255;
/** Tokens longer than this are refused before any decoding work, and never minted: it keeps embed URLs within
 * what browsers and proxies accept, and still fits four 255-character ids of non-ASCII text. */
export const MAX_EMBED_TOKEN_LENGTH = 8192;
/** Where the browser loads an embedded dashboard (docs/papermap-protocol.md §1). */
export const DEFAULT_EMBED_BASE_URL = 'https://papermap.ai/embedded/dashboard';
/** Papermap's data API (docs/papermap-protocol.md §1), without the trailing slash the docs show. */
export const DEFAULT_API_URL = 'https://prod.dataapi.papermap.ai';
