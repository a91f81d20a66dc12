/**
 * Window selection for a batch straight from the fusion layer's attention tensors — the
 * "online" source (current model, detached: values are read to the CPU, so no gradient
 * flows into the choice). The window is then already in the coordinates of the augmented
 * view the model saw, so it needs no crop/flip mapping.
 */
import { tf } from '@ecamp/core';
import type { ContextWindow } from './grid.js';
import { WindowSelector, type SelectedWindow } from './selector.js';

/** Rows of a [B, N] matrix given as a tensor or as plain arrays. */
export type BatchRows = tf.Tensor2D | readonly ArrayLike<number>[];

/** Input of {@link selectWindowsFromAttention}. */
export interface BatchAttention {
  /** Text→image attention [B, H, L, M] from the fusion layer (read, not disposed). */
  attention: tf.Tensor4D;
  /** [B, L]: non-zero at the report's entity tokens. */
  entityMask: BatchRows;
  /**
   * [B, M]: grid cell (row-major, i·gridSize + j) of each image token, e.g. the MAE
   * `idsKeep` of the visible patches. Omit when all gridSize² patches were attended.
   */
  patchCells?: BatchRows;
}

function rows(x: BatchRows, b: number, n: number, what: string): ArrayLike<number>[] {
  if (Array.isArray(x)) {
    if (x.length !== b) throw new Error(`selectWindowsFromAttention: ${what} has ${x.length} rows, expected B = ${b}`);
    return x as ArrayLike<number>[];
  }
  const t = x as tf.Tensor2D;
  if (t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== n) throw new Error(`selectWindowsFromAttention: ${what} must be [${b}, ${n}], got [${t.shape}]`);
  const d = t.dataSync();
  return Array.from({ length: b }, (_, k) => d.subarray(k * n, (k + 1) * n));
}

/** One window per example (entity attention, or the centred fall-back, counted by `selector`). */
export function selectWindowsFromAttention(input: BatchAttention, selector: WindowSelector = new WindowSelector()): SelectedWindow[] {
  const a = input.attention;
  if (a.rank !== 4) throw new Error(`selectWindowsFromAttention: attention must be [B, H, L, M], got [${a.shape}]`);
  const [b, h, l, m] = a.shape;
  const data = a.dataSync();
  const ent = rows(input.entityMask, b, l, 'entityMask');
  const cells = input.patchCells === undefined ? undefined : rows(input.patchCells, b, m, 'patchCells');
  const per = h * l * m;
  return Array.from({ length: b }, (_, k) =>
    selector.select({ data: data.subarray(k * per, (k + 1) * per), heads: h, textLength: l, patches: m }, ent[k], cells?.[k]),
  );
}

/** Just the (i, j) of each selected window, as the SR loss takes them. */
export function windowsOnly(selected: readonly SelectedWindow[]): ContextWindow[] {
  return selected.map(({ i, j }) => ({ i, j }));
}
