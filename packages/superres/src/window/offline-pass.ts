/**
 * The offline window pass: over a dataset, with a trained checkpoint, compute every
 * example's window and write the authors' CSV (`<key>,label_i,label_j`). The trainer
 * exposes it as a command; it owns the model and the data and hands this function
 * batches of fusion-layer attention.
 *
 * For the windows to mean what the authors' CSV means, the batches must come from the
 * **un-augmented** view (whole image resized to 448, then to the encoder's 224) with no
 * MAE masking (all 196 patches attended), so the windows refer to the full image's grid;
 * in training they are then mapped through each crop/flip (`augment-map.ts`).
 */
import type { tf } from '@ecamp/core';
import { selectWindowsFromAttention, type BatchRows } from './from-attention.js';
import { WindowSelector, type SelectedWindow, type WindowSelectionCounts } from './selector.js';
import { writeWindowCsv, type WindowCsvEntry } from './window-csv.js';
import type { WindowGeometry } from './grid.js';
import type { UnseenCellFill } from './entity-map.js';

/** One batch of the pass. Its tensors are consumed (disposed) by the pass. */
export interface OfflineWindowBatch {
  /** One key per example (e.g. the image path), written to the key column. */
  keys: readonly string[];
  /** Fusion-layer attention [B, H, L, M]. */
  attention: tf.Tensor4D;
  /** [B, L] entity-token mask. */
  entityMask: BatchRows;
  /** [B, M] cells of the attended tokens; omit when all patches were attended. */
  patchCells?: BatchRows;
}

/** Options of {@link offlineWindowPass}. */
export interface OfflineWindowPassOptions {
  /** Where to write the CSV (atomically); nothing is written when absent. */
  outPath?: string;
  /** Header of the key column (default `img_path`). */
  keyColumn?: string;
  geometry?: WindowGeometry;
  fill?: UnseenCellFill;
  /** Called after each batch with the examples done so far. */
  onProgress?: (done: number, counts: WindowSelectionCounts) => void;
}

/** Result of {@link offlineWindowPass}. */
export interface OfflineWindowPassResult {
  entries: WindowCsvEntry[];
  windows: SelectedWindow[];
  counts: WindowSelectionCounts;
}

/** Runs the pass over `batches` (sync or async iterable) and optionally writes the CSV. */
export async function offlineWindowPass(
  batches: AsyncIterable<OfflineWindowBatch> | Iterable<OfflineWindowBatch>,
  opts: OfflineWindowPassOptions = {},
): Promise<OfflineWindowPassResult> {
  const selector = new WindowSelector({ geometry: opts.geometry, fill: opts.fill });
  const keyColumn = opts.keyColumn ?? 'img_path';
  const entries: WindowCsvEntry[] = [];
  const windows: SelectedWindow[] = [];
  let batchIndex = 0;
  for await (const batch of batches) {
    try {
      if (batch.keys.length !== batch.attention.shape[0]) {
        throw new Error(`offlineWindowPass: batch ${batchIndex} has ${batch.keys.length} keys for ${batch.attention.shape[0]} examples`);
      }
      const chosen = selectWindowsFromAttention(batch, selector);
      chosen.forEach((w, k) => {
        windows.push(w);
        entries.push({ i: w.i, j: w.j, extra: { [keyColumn]: batch.keys[k] } });
      });
    } finally {
      batch.attention.dispose();
      for (const t of [batch.entityMask, batch.patchCells]) if (t && !Array.isArray(t)) (t as tf.Tensor).dispose();
    }
    batchIndex++;
    opts.onProgress?.(entries.length, selector.counts());
  }
  if (opts.outPath) await writeWindowCsv(opts.outPath, entries);
  return { entries, windows, counts: selector.counts() };
}
