import { decodePng as decode } from '@ecamp/io';

/** `@ecamp/io`'s PNG reader plus a pixel accessor, for tests. */
export function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array; filters: number[]; px: (x: number, y: number) => number[] } {
  const d = decode(png);
  const stride = d.width * 3;
  return { ...d, px: (x, y) => [...d.rgb.subarray(y * stride + 3 * x, y * stride + 3 * x + 3)] };
}
