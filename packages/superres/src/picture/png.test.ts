import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from './png.js';

describe('encodePng', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes a valid PNG whose pixels decode back exactly', () => {
    const w = 3, h = 2;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, k) => (k * 37) % 256);
    const png = encodePng(rgb, w, h);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Walk the chunks, checking CRCs and collecting IDAT.
    let pos = 8;
    const types: string[] = [];
    const idat: Buffer[] = [];
    while (pos < png.length) {
      const len = png.readUInt32BE(pos);
      const type = png.toString('ascii', pos + 4, pos + 8);
      types.push(type);
      expect(png.readUInt32BE(pos + 8 + len)).toBe(crc32(png.subarray(pos + 4, pos + 8 + len)));
      if (type === 'IHDR') expect([png.readUInt32BE(pos + 8), png.readUInt32BE(pos + 12)]).toEqual([w, h]);
      if (type === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
      pos += 12 + len;
    }
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    const raw = inflateSync(Buffer.concat(idat));
    const pixels = [...raw.subarray(1, 1 + w * 3), ...raw.subarray(2 + w * 3)];
    expect(pixels).toEqual([...rgb]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 1)).toThrow(/expected 2·1·3 = 6/);
  });
});
