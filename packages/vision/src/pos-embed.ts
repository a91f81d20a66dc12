/**
 * Fixed 2-D sine-cosine position embedding of MAE (`get_2d_sincos_pos_embed`), computed in
 * float64 and returned as float32.
 *
 * Row `k = i * gridSize + j` encodes the patch at grid row `i`, column `j`. The first half of
 * the `embedDim` features encodes the column `j`, the second half the row `i` (MAE builds its
 * grid with `meshgrid(grid_w, grid_h)`, so its "h" half is really the column). Each half is a
 * 1-D embedding: `embedDim / 4` frequencies `ω_f = 1 / 10000^(f / (embedDim / 4))`, first the
 * sines then the cosines of `pos · ω_f`.
 */

/** Options of {@link sincosPositionEmbedding2d}. */
export interface SincosOptions {
  /** Prepend one all-zero row for the cls token (MAE's `cls_token=True`). Default true. */
  clsToken?: boolean;
}

/**
 * 1-D sine-cosine embedding of the positions `pos`.
 * @returns Float64Array [pos.length, dim]: columns `0..dim/2` sines, `dim/2..dim` cosines.
 */
export function sincosPositionEmbedding1d(dim: number, pos: ArrayLike<number>): Float64Array {
  if (!Number.isInteger(dim) || dim <= 0 || dim % 2 !== 0) {
    throw new Error(`sincosPositionEmbedding1d: dim must be a positive even integer, got ${dim}`);
  }
  const half = dim / 2;
  const out = new Float64Array(pos.length * dim);
  for (let f = 0; f < half; f++) {
    const omega = 1 / Math.pow(10000, f / half);
    for (let m = 0; m < pos.length; m++) {
      const angle = pos[m] * omega;
      out[m * dim + f] = Math.sin(angle);
      out[m * dim + half + f] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * MAE's fixed 2-D sine-cosine position embedding.
 * @param embedDim feature width D, a multiple of 4.
 * @param gridSize patches per side G (14 for 224 px with patch 16).
 * @returns Float32Array [(1 if clsToken) + G*G, D], row-major; the cls row is zeros.
 */
export function sincosPositionEmbedding2d(embedDim: number, gridSize: number, options: SincosOptions = {}): Float32Array {
  if (!Number.isInteger(embedDim) || embedDim <= 0 || embedDim % 4 !== 0) {
    throw new Error(`sincosPositionEmbedding2d: embedDim must be a positive multiple of 4, got ${embedDim}`);
  }
  if (!Number.isInteger(gridSize) || gridSize <= 0) {
    throw new Error(`sincosPositionEmbedding2d: gridSize must be a positive integer, got ${gridSize}`);
  }
  const clsToken = options.clsToken ?? true;
  const n = gridSize * gridSize;
  const rows = new Float64Array(n);
  const cols = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    rows[k] = Math.floor(k / gridSize);
    cols[k] = k % gridSize;
  }
  const half = embedDim / 2;
  const embCols = sincosPositionEmbedding1d(half, cols);
  const embRows = sincosPositionEmbedding1d(half, rows);
  const offset = clsToken ? 1 : 0;
  const out = new Float32Array((n + offset) * embedDim);
  for (let k = 0; k < n; k++) {
    const base = (k + offset) * embedDim;
    for (let f = 0; f < half; f++) {
      out[base + f] = embCols[k * half + f];
      out[base + half + f] = embRows[k * half + f];
    }
  }
  return out;
}
