/**
 * Normalisation of decoded pixels into float32 NHWC with three channels, in
 * one pass through a lookup table, written straight into the caller's buffer
 * (e.g. the loader's batch buffer) — no intermediate arrays.
 */

/** Mean/std of the paper: pre-training (0.4721/0.3037) and downstream (0.4722/0.3028). */
export const PRETRAIN_NORM = { mean: 0.4721, std: 0.3037 } as const;
/** Downstream normalisation of the paper. */
export const DOWNSTREAM_NORM = { mean: 0.4722, std: 0.3028 } as const;

const lutCache = new Map<string, Float32Array>();

/** Lookup table value → (value / max − mean) / std for 8- or 16-bit samples. */
export function normalizationLut(bitDepth: 8 | 16, mean: number, std: number): Float32Array {
  const key = `${bitDepth}:${mean}:${std}`;
  let lut = lutCache.get(key);
  if (!lut) {
    const max = bitDepth === 16 ? 65535 : 255;
    lut = new Float32Array(max + 1);
    for (let v = 0; v <= max; v++) lut[v] = (v / max - mean) / std;
    lutCache.set(key, lut);
  }
  return lut;
}

/**
 * Writes `pixels` (raw samples, `channels` = 1 or 3 interleaved, 8- or 16-bit
 * as bytes from sharp) into `out[offset …]` as 3-channel normalised float32;
 * grey is replicated to three channels. Returns the number of floats written.
 */
export function writeNormalized(
  pixels: Uint8Array,
  channels: 1 | 3,
  bitDepth: 8 | 16,
  norm: { mean: number; std: number },
  out: Float32Array,
  offset = 0,
): number {
  const lut = normalizationLut(bitDepth, norm.mean, norm.std);
  const src = bitDepth === 16 ? new Uint16Array(pixels.buffer, pixels.byteOffset, pixels.byteLength / 2) : pixels;
  const n = src.length / channels;
  if (offset + n * 3 > out.length) throw new Error(`writeNormalized: ${n} pixels × 3 do not fit at offset ${offset} of a ${out.length}-float buffer`);
  if (channels === 1) {
    for (let i = 0, o = offset; i < n; i++, o += 3) {
      const v = lut[src[i]];
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
  } else {
    for (let i = 0, o = offset; i < n * 3; i++, o++) out[o] = lut[src[i]];
  }
  return n * 3;
}
