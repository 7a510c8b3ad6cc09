// @tenantdash/core: Papermap's wire format, byte for byte (see docs/papermap-protocol.md). Every public name is here.

export { signRequest, verifyRequestSignature } from './request-signature.js';
export type {
  HeaderSource,
  SignedRequestHeaders,
  SignRequestOptions,
  VerifiedRequest,
  VerifyRequestSignatureOptions,
} from './request-signature.js';

export { createEmbedToken, decodeEmbedToken, verifyEmbedToken } from './embed-token.js';
export type {
  CreateEmbedTokenOptions,
  EmbedTokenClaims,
  MintedEmbedToken,
  VerifyEmbedTokenOptions,
} from './embed-token.js';

export { buildEmbedUrl } from './embed-url.js';
export type { BuildEmbedUrlOptions } from './embed-url.js';

export {
  EMBED_MESSAGE_PREFIX,
  EMBED_MESSAGE_VERSION,
  readEmbedPageMessage,
  setTokenMessage,
} from './embed-messages.js';
export type { EmbedPageMessage, SetTokenMessage } from './embed-messages.js';
export { readErrorCode } from './error-code.js';

export { papermapApiUrl } from './api-url.js';
export { papermapSignature } from './signature.js';
export { idProblem } from './validate.js';
export type { Clock } from './clock.js';
export type { ResolveKey, ResolvedKey } from './keys.js';

export { ConfigError, SignatureError, TenantDashError, TokenError, isTenantDashError } from './errors.js';
export type { ConfigErrorCode, SignatureErrorCode, TenantDashErrorCode, TokenErrorCode } from './errors.js';
export { HttpError } from './http-error.js';
export type { HttpErrorEntry } from './http-error.js';

export {
  DEFAULT_API_URL,
  DEFAULT_EMBED_BASE_URL,
  DEFAULT_EMBED_TOKEN_TTL_SECONDS,
  DEFAULT_MAX_LIFETIME_SECONDS,
  DEFAULT_REQUEST_TTL_SECONDS,
  MAX_EMBED_TOKEN_LENGTH,
  MAX_ID_LENGTH,
} from './limits.js';
