import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng, pngChunk } from './png.js';

function chunks(png: Buffer): { type: string; len: number }[] {
  const out = [];
  let pos = 8;
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('ascii', pos + 4, pos + 8);
    expect(png.readUInt32BE(pos + 8 + len), `${type} CRC`).toBe(crc32(png.subarray(pos + 4, pos + 8 + len)));
    out.push({ type, len });
    pos += 12 + len;
  }
  return out;
}

describe('encodePng', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a valid PNG whose pixels decode back exactly', () => {
    const w = 3,
      h = 2;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, k) => (k * 37) % 256);
    const png = encodePng(rgb, w, h);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(chunks(png).map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const d = decodePng(png);
    expect([d.width, d.height]).toEqual([w, h]);
    expect([...d.rgb]).toEqual([...rgb]);
  });

  it('filters rows so smooth pictures compress, and still round-trips exactly', () => {
    const w = 64,
      h = 48;
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x * 3, y * 5, (x + y) * 2], (y * w + x) * 3);
    const png = encodePng(rgb, w, h);
    const d = decodePng(png);
    expect([...d.rgb]).toEqual([...rgb]);
    expect(d.filters.some((f) => f !== 0)).toBe(true);
    expect(png.length).toBeLessThan(rgb.length / 4);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 1)).toThrow(/expected 2·1·3 = 6/);
  });

  it('rejects a bad size', () => {
    expect(() => encodePng(new Uint8Array(0), 0, 1)).toThrow(/invalid size 0×1/);
  });
});

describe('decodePng', () => {
  it('refuses what it cannot read, saying what it got', () => {
    expect(() => decodePng(new Uint8Array(40))).toThrow(/not a PNG/);
    const png = encodePng(new Uint8Array(3), 1, 1);
    png[25] = 0; // colour type grey
    expect(() => decodePng(png)).toThrow(/colour type 0/);
  });

  it('pngChunk writes length, type, data and CRC', () => {
    const c = pngChunk('tEXt', new Uint8Array([1, 2, 3]));
    expect(c.readUInt32BE(0)).toBe(3);
    expect(c.toString('latin1', 4, 8)).toBe('tEXt');
    expect(c.readUInt32BE(11)).toBe(crc32(c.subarray(4, 11)));
  });
});
