/**
 * Headless Chromium for the browser tests (Debian's `chromium`; CI installs it), with the flags
 * a closed network needs, and a record of what each page did wrong.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Chromium's path: `CHROMIUM_PATH`, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a sandbox-less container with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page plus what it logged: console errors, uncaught errors, and requests that left `allowedOrigin`. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  foreignRequests: string[];
}

/** Launches Chromium headless with a fresh profile; throws saying how to install it when absent. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ecamp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1450, height: 1100 },
    timeout: 120_000,
  });
  return { browser: context, close: () => context.close() };
}

/** Opens a page that records errors and any request outside `allowedOrigin` (and data:/blob: URLs). */
export async function watchedPage(context: BrowserContext | Browser, allowedOrigin: string): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(allowedOrigin) || u.startsWith('data:') || u.startsWith('blob:'))) foreignRequests.push(u);
  });
  page.setDefaultTimeout(120_000);
  return { page, errors, foreignRequests };
}
