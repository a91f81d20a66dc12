/**
 * Per-sample random masking indices with the semantics of MAE's `random_masking`:
 * draw noise `[B, L]`, `idsShuffle = argsort(noise)` (ascending, per sample), keep the first
 * `lenKeep = trunc(L * (1 - maskRatio))` of the shuffle, `idsRestore = argsort(idsShuffle)`,
 * and `mask[b, i] = 0` for kept patches, 1 for removed ones.
 *
 * Pure TypeScript (no tensors): the index arrays feed the gather that selects visible
 * patch tokens and the un-shuffle in the decoder.
 */

/** Anything that yields uniform floats in [0, 1) — e.g. core's seeded `Rng`. */
export interface UniformSource {
  /** Next uniform float in [0, 1). */
  uniform(): number;
}

/** Result of {@link randomMaskingIndices}. All arrays are row-major per sample. */
export interface MaskingIndices {
  /** Batch size B. */
  batch: number;
  /** Patches per image L. */
  numPatches: number;
  /** Kept patches per image, `trunc(L * (1 - maskRatio))`. */
  lenKeep: number;
  /** Int32 [B, L]: patch indices sorted by ascending noise. */
  idsShuffle: Int32Array;
  /** Int32 [B, lenKeep]: indices of the kept (visible) patches, in shuffle order. */
  idsKeep: Int32Array;
  /** Int32 [B, L]: inverse permutation of `idsShuffle` (`idsShuffle[idsRestore[i]] = i`). */
  idsRestore: Int32Array;
  /** Float32 [B, L]: 0 = kept, 1 = removed. */
  mask: Float32Array;
}

/** Number of patches MAE keeps: `int(L * (1 - maskRatio))`, reproduced bit for bit. */
export function lenKeepFor(numPatches: number, maskRatio: number): number {
  if (!(maskRatio >= 0 && maskRatio < 1)) {
    throw new Error(`maskRatio must be in [0, 1), got ${maskRatio}`);
  }
  return Math.trunc(numPatches * (1 - maskRatio));
}

/**
 * Masking indices from explicit noise (for parity with a PyTorch run that used the same noise).
 * @param noise [B, L] row-major; smaller noise = kept first.
 */
export function maskingFromNoise(noise: ArrayLike<number>, batch: number, numPatches: number, maskRatio: number): MaskingIndices {
  if (!Number.isInteger(batch) || batch <= 0 || !Number.isInteger(numPatches) || numPatches <= 0) {
    throw new Error(`masking: batch and numPatches must be positive integers, got ${batch} and ${numPatches}`);
  }
  if (noise.length !== batch * numPatches) {
    throw new Error(`masking: noise has ${noise.length} values, expected batch*numPatches = ${batch * numPatches}`);
  }
  const lenKeep = lenKeepFor(numPatches, maskRatio);
  if (lenKeep < 1) throw new Error(`masking: maskRatio ${maskRatio} keeps no patch of ${numPatches}`);
  const L = numPatches;
  const idsShuffle = new Int32Array(batch * L);
  const idsRestore = new Int32Array(batch * L);
  const idsKeep = new Int32Array(batch * lenKeep);
  const mask = new Float32Array(batch * L);
  const order = new Array<number>(L);
  for (let b = 0; b < batch; b++) {
    const off = b * L;
    for (let i = 0; i < L; i++) order[i] = i;
    // stable ascending argsort; ties (measure zero for continuous noise) break by index
    order.sort((p, q) => noise[off + p] - noise[off + q] || p - q);
    for (let r = 0; r < L; r++) {
      idsShuffle[off + r] = order[r];
      idsRestore[off + order[r]] = r;
      mask[off + order[r]] = r < lenKeep ? 0 : 1;
      if (r < lenKeep) idsKeep[b * lenKeep + r] = order[r];
    }
  }
  return { batch, numPatches, lenKeep, idsShuffle, idsKeep, idsRestore, mask };
}

/**
 * Random per-sample masking drawn from a seeded source: B*L uniforms in row-major order,
 * then {@link maskingFromNoise}.
 */
export function randomMaskingIndices(batch: number, numPatches: number, maskRatio: number, rng: UniformSource): MaskingIndices {
  const noise = new Float64Array(batch * numPatches);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.uniform();
  return maskingFromNoise(noise, batch, numPatches, maskRatio);
}
