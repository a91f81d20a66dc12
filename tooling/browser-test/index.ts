/**
 * Headless Chromium for the browser tests (Debian's `chromium`, which CI installs, driven by
 * playwright-core — never a downloaded browser), with the flags a closed network needs, pages
 * that record what went wrong, and a check that a screenshot is not blank.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';

/** Chromium's path: `CHROMIUM_PATH`, else Debian's /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a container without a sandbox, a GPU or an outside network (without the networking
 * ones Chromium's background connections are refused and slow it down).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running headless Chromium with its own fresh profile. */
export interface Chromium {
  browser: BrowserContext;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh `--user-data-dir`; throws saying how to install it when absent. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ecamp-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1450, height: 1100 },
    timeout: 120_000,
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page and what it did wrong: console errors, uncaught errors, requests outside the allowed origins. */
export interface WatchedPage {
  page: Page;
  errors: string[];
  foreignRequests: string[];
}

/**
 * Opens a page that records errors and every request whose URL starts with none of
 * `allowedPrefixes` (`data:` and `blob:` are always allowed). Timeouts are generous (CI machines
 * are slow and shared).
 */
export async function watchedPage(context: BrowserContext, allowedPrefixes: readonly string[]): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => {
    const u = r.url();
    if (![...allowedPrefixes, 'data:', 'blob:'].some((p) => u.startsWith(p))) foreignRequests.push(u);
  });
  page.setDefaultTimeout(120_000);
  return { page, errors, foreignRequests };
}

/** How much a picture varies: the largest channel standard deviation and a count of distinct colours (sampled). */
export interface PictureStats {
  width: number;
  height: number;
  /** Largest standard deviation of R, G, B over all pixels (0 = one flat colour). */
  std: number;
  /** Distinct colours among every 7th pixel. */
  colours: number;
}

/** Measures a PNG (or any image sharp reads) to tell a rendered page from a blank one. */
export async function pictureStats(path: string): Promise<PictureStats> {
  const image = sharp(path);
  const { data, info } = await image.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const stats = await image.stats();
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += info.channels * 7) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return { width: info.width, height: info.height, std: Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev)), colours: colours.size };
}
