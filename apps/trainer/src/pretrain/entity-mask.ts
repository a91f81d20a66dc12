/**
 * [B][L] 0/1 rows marking each example's entity tokens (from the MLM example's
 * `entityPositions`), the form the SR window selection reads.
 */
export function entityMaskRows(entityPositions: readonly (readonly number[])[], length: number): Float32Array[] {
  return entityPositions.map((positions) => {
    const row = new Float32Array(length);
    for (const p of positions) if (p >= 0 && p < length) row[p] = 1;
    return row;
  });
}
