/**
 * Hand-built PNG files for tests: valid files whose header says anything we
 * like, e.g. a 20,000 × 20,000 image in 49 KB (1-bit grey, all zero), which a
 * decoder would expand to 400 M pixels. sharp cannot write such headers, so they are
 * assembled from `@ecamp/io`'s PNG chunks.
 */
import { deflateSync } from 'node:zlib';
import { pngChunk } from '@ecamp/io';

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** A valid 1-bit grey PNG of `width × height` black pixels (small: the rows deflate to almost nothing). */
export function blankPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grey
  const rows = Buffer.alloc((Math.ceil(width / 8) + 1) * height); // filter byte 0 + zero bits per row
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows, { level: 9 })), pngChunk('IEND', new Uint8Array(0))]);
}

/** A copy of a baseline JPEG whose SOF0 header claims `width × height` (the scan data stays the original's). */
export function jpegClaimingSize(jpeg: Uint8Array, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('jpegClaimingSize: no SOF0/SOF2 marker');
}
