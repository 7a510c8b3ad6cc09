// @tenantdash/test-utils: what the tests of several packages share. Private, never published; consumed as
// TypeScript sources by Vitest (no build step).
export { CHROMIUM_ARGS, CHROMIUM_LAUNCH, CHROMIUM_PATH, launchChromium } from './chromium.mjs';
export { KNOWN_EMBED_TOKEN, KNOWN_REQUEST_SIGNATURE, VECTORS } from './known-answers.js';
export type { VectorCase } from './known-answers.js';
export {
  namedPaths,
  packPackage,
  packTarball,
  publintMessages,
  readmeLinks,
  REPO_ROOT,
  sourceMaps,
  typesAnalysis,
} from './package-checks.js';
export type { PackedPackage, TypesAnalysis } from './package-checks.js';
export {
  pythonJsonObject,
  pythonJsonString,
  referenceSignature,
  referenceToken,
  urlsafeBase64,
} from './reference-encoder.js';
