import { inflateSync } from 'node:zlib';

/** Minimal decoder of 8-bit RGB, non-interlaced PNGs (all five filter types), for tests. */
export function decodePng(png: Buffer): { width: number; height: number; rgb: Uint8Array; filters: number[]; px: (x: number, y: number) => number[] } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  let pos = 8;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    if (png.toString('ascii', pos + 4, pos + 8) === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const rgb = new Uint8Array(height * stride);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    filters.push(type);
    for (let k = 0; k < stride; k++) {
      const v = raw[y * (stride + 1) + 1 + k];
      const a = k >= 3 ? rgb[y * stride + k - 3] : 0;
      const b = y > 0 ? rgb[(y - 1) * stride + k] : 0;
      const c = y > 0 && k >= 3 ? rgb[(y - 1) * stride + k - 3] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][type];
      rgb[y * stride + k] = (v + pred) & 0xff;
    }
  }
  return { width, height, rgb, filters, px: (x, y) => [...rgb.subarray(y * stride + 3 * x, y * stride + 3 * x + 3)] };
}
