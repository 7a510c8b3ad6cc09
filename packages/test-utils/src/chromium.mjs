// Debian's Chromium (or CHROMIUM_PATH) through playwright-core, as every browser test and bench here starts
// it: nothing downloads a browser, nothing phones home. Plain ESM so that node scripts (the demo's bench)
// import it as they are; typed by chromium.d.mts.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** The options of `chromium.launch` (for callers that launch through their own playwright-core). */
export const CHROMIUM_LAUNCH = Object.freeze({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS],
  headless: true,
});

// playwright-core is loaded on the first launch: the unit tests that import this package never pay for it.
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch(CHROMIUM_LAUNCH);
}
