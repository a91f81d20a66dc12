/**
 * Minimal PNG writing (8-bit RGB, no interlace) on Node's zlib, for the pictures training and the
 * run report write without an image library (packages that depend on sharp use sharp), and its
 * reader for such files.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG/zlib polynomial) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and CRC. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * PNG scanlines with a filter chosen per row (None, Sub, Up or Paeth, by the smallest sum
 * of absolute filtered bytes — the heuristic of the PNG specification), which lets deflate
 * shrink smooth pictures several-fold.
 */
function filterScanlines(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  const out = Buffer.alloc(height * (1 + stride));
  const candidate = Array.from({ length: 5 }, () => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = rgb.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : null;
    let best = 0;
    let bestCost = Infinity;
    for (const type of [0, 1, 2, 4]) {
      const f = candidate[type];
      let cost = 0;
      for (let k = 0; k < stride; k++) {
        const a = k >= 3 ? row[k - 3] : 0;
        const b = prev ? prev[k] : 0;
        const c = prev && k >= 3 ? prev[k - 3] : 0;
        const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : paeth(a, b, c);
        const v = (row[k] - pred) & 0xff;
        f[k] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = type;
      }
    }
    out[y * (1 + stride)] = best;
    Buffer.from(candidate[best].buffer, 0, stride).copy(out, y * (1 + stride) + 1);
  }
  return out;
}

/**
 * Encodes an RGB image as PNG.
 * @param rgb row-major pixels, 3 bytes each, length `width · height · 3`
 */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: invalid size ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) throw new Error(`encodePng: ${rgb.length} bytes, expected ${width}·${height}·3 = ${width * height * 3}`);
  const raw = filterScanlines(rgb, width, height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
}

/**
 * Decodes an 8-bit RGB, non-interlaced PNG (what {@link encodePng} writes; all five filter types).
 * Throws on any other kind of PNG.
 */
export function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array; filters: number[] } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 33 || buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('ascii', 12, 16) !== 'IHDR') throw new Error('decodePng: not a PNG file');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  if (buf[24] !== 8 || buf[25] !== 2 || buf[28] !== 0) {
    throw new Error(`decodePng: only 8-bit RGB non-interlaced PNGs are read (bit depth ${buf[24]}, colour type ${buf[25]}, interlace ${buf[28]})`);
  }
  let pos = 8;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    if (buf.toString('ascii', pos + 4, pos + 8) === 'IDAT') idat.push(buf.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  if (raw.length !== height * (stride + 1)) throw new Error(`decodePng: ${raw.length} bytes of scanlines, expected ${height * (stride + 1)}`);
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
      const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
      rgb[y * stride + k] = (v + pred) & 0xff;
    }
  }
  return { width, height, rgb, filters };
}
