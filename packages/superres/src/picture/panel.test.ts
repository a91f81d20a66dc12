import { describe, expect, it } from 'vitest';
import { renderPanel } from './panel.js';

describe('renderPanel', () => {
  it('places images side by side at the panel height, de-normalised, with a gap', () => {
    const a = { pixels: new Float32Array(4).fill((1 - 0.5) / 0.5), height: 2, width: 2, channels: 1 as const };
    const b = { pixels: new Float32Array(16 * 3).fill((0 - 0.5) / 0.5), height: 4, width: 4, channels: 3 as const };
    const p = renderPanel([a, b], { mean: 0.5, std: 0.5, gap: 1 });
    expect([p.width, p.height]).toEqual([4 + 1 + 4, 4]);
    const px = (x: number, y: number) => [...p.rgb.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3)];
    expect(px(0, 3)).toEqual([255, 255, 255]); // white image a, scaled ×2
    expect(px(4, 0)).toEqual([255, 255, 255]); // gap
    expect(px(5, 0)).toEqual([0, 0, 0]); // black image b
  });

  it('outlines the window in red where asked, at the scaled position', () => {
    const img = { pixels: new Float32Array(448 * 448), height: 448, width: 448, channels: 1 as const, showWindow: true };
    const p = renderPanel([img], { window: { i: 2, j: 0 }, mean: 0, std: 1 });
    const px = (x: number, y: number) => [...p.rgb.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3)];
    expect(px(0, 64)).toEqual([255, 0, 0]); // top-left corner of window (row 2 → y 64, column 0 → x 0)
    expect(px(383, 447)).toEqual([255, 0, 0]); // bottom-right corner
    expect(px(100, 63)).toEqual([0, 0, 0]); // just above the window
    expect(px(200, 200)).toEqual([0, 0, 0]); // inside, not outlined
  });

  it('rejects an image whose pixel count does not match its size', () => {
    expect(() => renderPanel([{ pixels: new Float32Array(3), height: 2, width: 2, channels: 1 }])).toThrow(/image 0 has 3 values/);
  });
});
