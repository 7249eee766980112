/** @module Starts Debian's headless Chromium through playwright-core for end-to-end tests and screenshots. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** A running browser with its own throwaway profile; `close()` removes both. */
export interface LaunchedBrowser {
  readonly context: BrowserContext;
  readonly browser: Browser | null;
  close(): Promise<void>;
}

/** The Chromium binary: `MCR_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env['MCR_CHROMIUM'] ?? '/usr/bin/chromium';
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with a fresh temporary `--user-data-dir`, so no test sees another's
 * cookies or cache. Uses a persistent context because Chromium is given the profile folder.
 */
export async function launchBrowser(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'mcr-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: ARGS,
      viewport: options.viewport ?? { width: 1366, height: 900 },
    });
    return {
      context,
      browser: context.browser(),
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
