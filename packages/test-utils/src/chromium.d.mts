import type { Browser } from 'playwright-core';

export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: readonly string[];
export declare const CHROMIUM_LAUNCH: Readonly<{ executablePath: string; args: string[]; headless: true }>;
export declare function launchChromium(): Promise<Browser>;
