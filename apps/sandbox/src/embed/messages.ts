/**
 * tenantdash extension, not Papermap: the postMessage protocol between the embed page and its parent.
 * Every message is `{ type: 'tenantdash:<name>', version: 1, ...fields }`. See README "postMessage protocol".
 */
export const MESSAGE_PREFIX = 'tenantdash:';
export const MESSAGE_VERSION = 1;
