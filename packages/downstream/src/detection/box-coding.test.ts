import { describe, expect, it } from 'vitest';
import { decodeBox, encodeBox, shapeIou } from './box-coding.js';

const logit = (p: number) => Math.log(p / (1 - p));

describe('YOLO box coding', () => {
  it('encodes a box by hand', () => {
    // 224 image, 7×7 grid (stride 32): centre (80, 50) → cell (1, 2), offsets (0.5, 0.5625)
    const e = encodeBox([60, 30, 100, 70], 7, 224, [20, 80]);
    expect(e).toEqual({ row: 1, col: 2, tx: 0.5, ty: 0.5625, tw: Math.log(2), th: Math.log(0.5) });
  });

  it('decoding inverts encoding for random boxes on every scale', () => {
    let seed = 17;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const grid of [28, 14, 7]) {
      for (let k = 0; k < 50; k++) {
        const x1 = rand() * 200;
        const y1 = rand() * 200;
        const box = [x1, y1, x1 + 1 + rand() * (223 - x1), y1 + 1 + rand() * (223 - y1)];
        const anchor: [number, number] = [5 + rand() * 100, 5 + rand() * 100];
        const e = encodeBox(box, grid, 224, anchor);
        const back = decodeBox([logit(e.tx), logit(e.ty), e.tw, e.th], e.row, e.col, grid, 224, anchor);
        back.forEach((v, i) => expect(v).toBeCloseTo(box[i], 8));
      }
    }
  });

  it('clamps centres on the far edge into the last cell', () => {
    const e = encodeBox([200, 200, 224, 224], 7, 224, [10, 10]);
    expect([e.row, e.col, e.tx, e.ty]).toEqual([6, 6, 0.625, 0.625]);
    expect(() => encodeBox([5, 5, 5, 9], 7, 224, [1, 1])).toThrow(/zero width or height/);
  });

  it('shape IoU compares centred boxes', () => {
    expect(shapeIou([10, 10], [10, 10])).toBe(1);
    expect(shapeIou([10, 20], [20, 10])).toBeCloseTo(100 / 300, 15);
  });
});
