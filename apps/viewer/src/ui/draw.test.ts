/**
 * The drawn canvases, read back from the page in headless Chromium: every heat-map block has the
 * ramp colour of its patch's value, the overlay blends that colour over the radiograph at the
 * chosen opacity, and the legend runs from the lowest to the highest colour.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, watchedPage, type Chromium, type Page } from '@ecamp/browser-test';
import '../../test/fixtures.js';
import { runViewer } from '../../test/page.js';
import { RAMP, rampColour } from '../lib/heatmap.js';

const fx = inject('viewer');
let chrome: Chromium;

beforeAll(async () => {
  chrome = await launchChromium();
});
afterAll(async () => {
  await chrome?.close();
});

/** RGBA at the centre of each of grid×grid blocks of a canvas. */
function blockCentres(page: Page, id: string, grid: number): Promise<number[][]> {
  return page.evaluate(
    ([canvasId, g]) => {
      const c = document.getElementById(canvasId as string) as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const out: number[][] = [];
      const n = g as number;
      for (let r = 0; r < n; r++) {
        for (let q = 0; q < n; q++) {
          const x = Math.floor(((q + 0.5) * c.width) / n);
          const y = Math.floor(((r + 0.5) * c.height) / n);
          const i = 4 * (y * c.width + x);
          out.push([data[i], data[i + 1], data[i + 2], data[i + 3]]);
        }
      }
      return out;
    },
    [id, grid] as const,
  );
}

describe('the viewer draws', () => {
  it("each patch in the ramp colour of its value, the overlay at the chosen opacity, and the legend's ends", async () => {
    const { page, errors } = await watchedPage(chrome.browser, [fx.url]);
    const run = await runViewer(page, fx.url, { checkpoint: fx.encoder, image: fx.image224, backend: 'wasm' });
    expect(run.state, run.statusText).toBe('done');
    const grid = run.grid!;
    const heat = await blockCentres(page, 'heatmap-canvas', grid);
    run.map!.forEach((v, i) => expect(heat[i], `patch ${i}`).toEqual([...rampColour(v), 255]));

    const image = await blockCentres(page, 'input-canvas', grid);
    // the radiograph was drawn: grey, and not one flat value
    expect(new Set(image.map((p) => p[0])).size).toBeGreaterThan(20);
    image.forEach((p) => expect(p[0] === p[1] && p[1] === p[2]).toBe(true));

    const opacity = 0.55;
    const overlay = await blockCentres(page, 'overlay-canvas', grid);
    overlay.forEach((p, i) => {
      const want = rampColour(run.map![i]).map((c, k) => c * opacity + image[i][k] * (1 - opacity));
      for (let k = 0; k < 3; k++) expect(Math.abs(p[k] - want[k]), `overlay patch ${i} channel ${k}`).toBeLessThanOrEqual(2);
    });

    // Changing the opacity redraws the overlay only.
    await page.fill('#opacity', '1');
    await page.dispatchEvent('#opacity', 'input');
    const opaque = await blockCentres(page, 'overlay-canvas', grid);
    opaque.forEach((p, i) => expect(p.slice(0, 3)).toEqual(rampColour(run.map![i])));

    const legend = await page.evaluate(() => {
      const c = document.getElementById('legend-canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 7, c.width, 1).data;
      return { first: Array.from(d.slice(0, 3)), last: Array.from(d.slice(-4, -1)) };
    });
    expect(legend.first).toEqual([...RAMP[0]]);
    expect(legend.last).toEqual([...RAMP[RAMP.length - 1]]);
    expect(await page.textContent('#legend-range')).toMatch(/from \d\.\d\d % to \d\.\d\d %/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
