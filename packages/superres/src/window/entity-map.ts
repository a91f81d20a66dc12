/**
 * The 14×14 entity-attention map of one example, from the fusion layer's text→image
 * attention probabilities: summed over the report's entity tokens, averaged over heads,
 * scattered onto the patch grid.
 *
 * The fusion layer attends only to the image tokens the encoder saw. Offline (mask ratio
 * 0) those are all `gridSize²` patches in row-major order; online (MAE masking) they are a
 * subset, given by `patchCells`. Cells the layer did not see have no attention value:
 * `fill: 'mean'` (default) gives them the mean of the seen cells, so the window choice is
 * not pulled towards wherever the random mask happened to leave patches visible;
 * `fill: 'zero'` leaves them at 0.
 */
import { ECAMP_WINDOW_GEOMETRY, type WindowGeometry } from './grid.js';

/** How cells without an attention value (masked patches) are filled. */
export type UnseenCellFill = 'mean' | 'zero';

/** Attention of one example: flat row-major data of shape [H, L, M]. */
export interface ExampleAttention {
  /** Probabilities, length H·L·M, index `(h·L + l)·M + m`. */
  data: ArrayLike<number>;
  heads: number;
  textLength: number;
  patches: number;
}

/** Options of {@link entityAttentionMap}. */
export interface EntityMapOptions {
  /** Grid cell (row-major index) of each of the M image tokens; default `0..M−1` (needs M = gridSize²). */
  patchCells?: ArrayLike<number>;
  /** Filling of cells no token covers; default `'mean'`. */
  fill?: UnseenCellFill;
  geometry?: WindowGeometry;
}

/**
 * The `gridSize²` map (row-major) of entity attention for one example, or `null` when the
 * example has no entity token (the caller then falls back to the centred window).
 * `entityMask[l]` is non-zero where text position `l` is an entity token.
 */
export function entityAttentionMap(attention: ExampleAttention, entityMask: ArrayLike<number>, options: EntityMapOptions = {}): Float64Array | null {
  const { heads: H, textLength: L, patches: M, data } = attention;
  const g = options.geometry ?? ECAMP_WINDOW_GEOMETRY;
  const cells = g.gridSize * g.gridSize;
  if (data.length !== H * L * M) throw new Error(`entityAttentionMap: attention has ${data.length} values, expected H·L·M = ${H}·${L}·${M}`);
  if (entityMask.length !== L) throw new Error(`entityAttentionMap: entity mask has length ${entityMask.length}, expected L = ${L}`);
  const patchCells = options.patchCells ?? (M === cells ? Array.from({ length: M }, (_, k) => k) : null);
  if (patchCells === null) throw new Error(`entityAttentionMap: ${M} image tokens but a ${g.gridSize}×${g.gridSize} grid; pass patchCells`);
  if (patchCells.length !== M) throw new Error(`entityAttentionMap: patchCells has length ${patchCells.length}, expected M = ${M}`);

  const entities: number[] = [];
  for (let l = 0; l < L; l++) if (entityMask[l]) entities.push(l);
  if (entities.length === 0) return null;

  const map = new Float64Array(cells);
  const seen = new Uint8Array(cells);
  for (let m = 0; m < M; m++) {
    const cell = patchCells[m];
    if (!Number.isInteger(cell) || cell < 0 || cell >= cells)
      throw new Error(`entityAttentionMap: patchCells[${m}] = ${cell} is not a cell of the ${g.gridSize}×${g.gridSize} grid`);
    let sum = 0;
    for (let h = 0; h < H; h++) for (const l of entities) sum += data[(h * L + l) * M + m];
    map[cell] += sum / H;
    seen[cell] = 1;
  }
  if ((options.fill ?? 'mean') === 'mean') {
    let total = 0;
    let count = 0;
    for (let c = 0; c < cells; c++) {
      if (seen[c]) {
        total += map[c];
        count++;
      }
    }
    const mean = count > 0 ? total / count : 0;
    for (let c = 0; c < cells; c++) if (!seen[c]) map[c] = mean;
  }
  return map;
}
