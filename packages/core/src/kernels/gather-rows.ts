import { tf } from '../tf.js';
import { customOp } from './custom-op.js';
import { scatterAddRows } from './scatter-add-rows.js';

/**
 * Row lookup `table[ids]` with an O(N·D) scatter-add gradient (see {@link scatterAddRows}).
 * Gradient flows to `table` only; ids get none.
 *
 * @param table float32 [R, ...rest]
 * @param ids int32 [...idShape], values in [0, R)
 * @returns [...idShape, ...rest]
 */
export function gatherRows(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  if (ids.dtype !== 'int32') throw new Error(`gatherRows: ids must be int32, got ${ids.dtype}`);
  const numRows = table.shape[0];
  const rest = table.shape.slice(1);
  const d = rest.reduce((a, b) => a * b, 1);
  const outShape = [...ids.shape, ...rest];
  const f = customOp(([t], save) => {
    const flatIds = tf.reshape(ids, [ids.size]);
    save([flatIds]);
    return {
      value: tf.reshape(tf.gather(tf.reshape(t, [numRows, d]), flatIds), outShape),
      gradFunc: (dy, saved) => [tf.reshape(scatterAddRows(saved[0], tf.reshape(dy, [ids.size, d]), numRows), table.shape)],
    };
  });
  return f(table);
}
