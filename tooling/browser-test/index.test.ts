import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { launchChromium, pictureStats, watchedPage } from './index.js';

describe('browser-test helpers', () => {
  it('pictureStats tells a blank picture from a varied one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-bt-'));
    const blank = join(dir, 'blank.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .png()
      .toFile(blank);
    const varied = join(dir, 'varied.png');
    const px = Buffer.alloc(40 * 30 * 3);
    for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 256;
    await sharp(px, { raw: { width: 40, height: 30, channels: 3 } })
      .png()
      .toFile(varied);
    expect(await pictureStats(blank)).toEqual({ width: 40, height: 30, std: 0, colours: 1 });
    const v = await pictureStats(varied);
    expect(v.std).toBeGreaterThan(50);
    expect(v.colours).toBeGreaterThan(100);
  });

  it('launches Chromium, records page errors and requests that leave the allowed origins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-bt-'));
    const file = join(dir, 'page.html');
    writeFileSync(
      file,
      `<!doctype html><title>t</title><img src="http://192.0.2.1/x.png"><script>console.error('boom'); setTimeout(() => { throw new Error('late'); });</script>`,
    );
    const chrome = await launchChromium();
    try {
      const { page, errors, foreignRequests } = await watchedPage(chrome.browser, [`file://${dir}`]);
      await page.goto(`file://${file}`);
      await page.waitForTimeout(200);
      expect(await page.title()).toBe('t');
      expect(errors).toContain('console: boom');
      expect(errors.some((e) => e.includes('late'))).toBe(true);
      expect(foreignRequests).toEqual(['http://192.0.2.1/x.png']);
    } finally {
      await chrome.close();
    }
  });
});
