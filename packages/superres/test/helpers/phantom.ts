/**
 * A deterministic synthetic chest-radiograph-like picture for SR tests and the example
 * picture: body, two dark lungs with rib stripes and fine vessel texture, heart, spine, and
 * a bright nodule near the bottom-left corner; plus an attention map peaked on the nodule.
 */
import { tf } from '@ecamp/core';

/** Normalisation of ECAMP pre-training. */
export const MEAN = 0.4721;
export const STD = 0.3037;

/** [S, S, 3] normalised phantom (grey in 3 channels). */
export function phantom(size: number): tf.Tensor3D {
  const d = new Float32Array(size * size * 3);
  const u = (p: number) => p * size; // fractions → pixels
  const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) => ((x - u(cx)) / u(rx)) ** 2 + ((y - u(cy)) / u(ry)) ** 2 <= 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0.08;
      if (inEllipse(x, y, 0.5, 0.55, 0.46, 0.5)) v = 0.5;
      const lung = inEllipse(x, y, 0.3, 0.48, 0.15, 0.33) || inEllipse(x, y, 0.7, 0.48, 0.15, 0.33);
      if (lung) {
        v = 0.18 + 0.1 * Math.max(0, Math.sin((2 * Math.PI * y) / u(0.09))) ** 4; // ribs
        v += 0.04 * Math.sin((2 * Math.PI * x) / u(0.02)) * Math.sin((2 * Math.PI * y) / u(0.025)); // fine vessels
      }
      if (inEllipse(x, y, 0.56, 0.66, 0.13, 0.12)) v = 0.72; // heart
      if (Math.abs(x - u(0.5)) < u(0.03) && y > u(0.1)) v = Math.max(v, 0.8); // spine
      const r2 = (x - u(0.16)) ** 2 + (y - u(0.82)) ** 2;
      v += 0.55 * Math.exp(-r2 / (2 * u(0.035) ** 2)); // nodule, bottom-left
      const n = (Math.min(1, v) - MEAN) / STD;
      d.set([n, n, n], (y * size + x) * 3);
    }
  }
  return tf.tensor3d(d, [size, size, 3]);
}

/** Entity attention on a g×g grid: a Gaussian on the nodule's cell plus a small floor. */
export function noduleAttention(g: number): Float64Array {
  const m = new Float64Array(g * g);
  const cy = 0.82 * g - 0.5;
  const cx = 0.16 * g - 0.5;
  for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) m[i * g + j] = 0.002 + Math.exp(-((i - cy) ** 2 + (j - cx) ** 2) / 2);
  const total = m.reduce((a, b) => a + b, 0);
  return m.map((v) => v / total);
}

/** The "MIM prediction" stand-in: 2×2 average pooling of the view plus a little noise. */
export function lowRes(view: tf.Tensor3D, seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const pooled = tf.avgPool(tf.expandDims(view, 0) as tf.Tensor4D, 2, 2, 'valid').squeeze([0]) as tf.Tensor3D;
    return tf.add(pooled, tf.randomNormal(pooled.shape, 0, 0.05, 'float32', seed)) as tf.Tensor3D;
  });
}
