import { describe, expect, it } from 'vitest';
import { openImage } from '@ecamp/data';
import { RAMP, WINDOW_RED, attentionPicture, rampColour } from './picture.js';

async function pixels(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const img = await openImage(png, 'picture.png');
  const data = await img.pipeline().raw().toBuffer();
  return { data, width: img.width, height: img.height };
}

describe('attentionPicture', () => {
  it('draws the radiograph, then the same with the ramp colour of each patch blended in and the window in red', async () => {
    const size = 8;
    const grey = Uint8Array.from({ length: size * size }, (_, k) => 100 + k);
    const map = [0, 1, 2, 3]; // 2×2 grid: top-left least, bottom-right most
    const pic = attentionPicture({ grey, size, map, grid: 2, window: { i: 1, j: 1, cells: 1 }, panel: 40, opacity: 0.5 });
    expect([pic.width, pic.height]).toEqual([84, 40]);
    const { data, width, height } = await pixels(pic.png);
    expect([width, height]).toEqual([84, 40]);
    const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    // left panel: grey source pixel (nearest): panel pixel (5, 5) ← source (1, 1)
    expect(at(5, 5)).toEqual([109, 109, 109]);
    // gap
    expect(at(41, 20)).toEqual([255, 255, 255]);
    // right panel, top-left patch (value 0 → ramp start) blended at 0.5 with the grey
    const g = grey[1 * size + 1];
    expect(at(44 + 5, 5)).toEqual(RAMP[0].map((c) => Math.round(c * 0.5 + g * 0.5)));
    // top-right patch (value 1/3 of the range)
    const g2 = grey[1 * size + 5]; // panel x 25 ← source x floor(25·8/40) = 5
    expect(at(44 + 25, 5)).toEqual(rampColour(1 / 3).map((c) => Math.round(c * 0.5 + g2 * 0.5)));
    // the window (cell i=1, j=1) outlined in red: its top-left corner and its inside edge
    expect(at(44 + 20, 20)).toEqual([...WINDOW_RED]);
    expect(at(44 + 39, 39)).toEqual([...WINDOW_RED]);
    expect(at(44 + 30, 30)).not.toEqual([...WINDOW_RED]);
  });

  it('checks its inputs', () => {
    expect(() => attentionPicture({ grey: new Uint8Array(3), size: 2, map: [0], grid: 1 })).toThrow(/3 grey values do not fill 2×2/);
    expect(() => attentionPicture({ grey: new Uint8Array(4), size: 2, map: [0, 1], grid: 2 })).toThrow(/2 attention values do not fill a 2×2 grid/);
  });

  it('ramp: ends, clamping, brighter with more attention', () => {
    expect(rampColour(0)).toEqual([...RAMP[0]]);
    expect(rampColour(2)).toEqual([...RAMP[4]]);
    const lum = (v: number) => rampColour(v).reduce((a, b) => a + b, 0);
    for (let v = 0.1; v <= 1; v += 0.1) expect(lum(v)).toBeGreaterThan(lum(v - 0.1));
  });
});
