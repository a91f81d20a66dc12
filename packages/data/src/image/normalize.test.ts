import { describe, expect, it } from 'vitest';
import { normalizationLut, PRETRAIN_NORM, writeNormalized } from './normalize.js';

describe('writeNormalized', () => {
  it('replicates grey into three normalised channels at an offset', () => {
    const out = new Float32Array(2 + 2 * 3);
    const n = writeNormalized(new Uint8Array([0, 255]), 1, 8, PRETRAIN_NORM, out, 2);
    expect(n).toBe(6);
    const lo = (0 - 0.4721) / 0.3037;
    const hi = (1 - 0.4721) / 0.3037;
    expect(Array.from(out.slice(2))).toEqual([lo, lo, lo, hi, hi, hi].map(Math.fround));
    expect(out[0]).toBe(0);
  });

  it('reads 16-bit samples and keeps colour channels apart', () => {
    const px = new Uint16Array([0, 65535, 32768]);
    const out = new Float32Array(3);
    writeNormalized(new Uint8Array(px.buffer), 3, 16, { mean: 0, std: 1 }, out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(1);
    expect(out[2]).toBeCloseTo(0.5, 4);
    expect(normalizationLut(8, 0.5, 0.5)[255]).toBe(1);
    expect(() => writeNormalized(new Uint8Array(4), 1, 8, PRETRAIN_NORM, new Float32Array(5))).toThrow(/do not fit/);
  });
});
