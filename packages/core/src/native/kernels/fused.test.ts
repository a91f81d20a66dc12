import { describe, expect, it } from 'vitest';
import { expectMatchesReference, randomInput as rand, requireNativeBackend } from '../../../test/native.js';
import { gelu } from '../../kernels/gelu.js';
import { layerNorm } from '../../kernels/layer-norm.js';
import { projectedAttention, scaledDotProductAttention } from '../../kernels/attention.js';
import { linearCrossEntropy, softmaxCrossEntropyWithIntLabels } from '../../kernels/softmax-cross-entropy.js';
import { tf } from '../../tf.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import { Rng } from '@ecamp/io/rng';

/** Σ sin(f(x))·k: a loss whose gradient differs per element. */
const lossOf = (t: tf.Tensor) => tf.sum(tf.sin(tf.mul(t, 1.3)));

describe('native fused kernels against the TF.js compositions (cpu)', () => {
  requireNativeBackend();

  it('layerNorm: output and gradients of x, weight, bias (rows of 1, 7 and 768)', async () => {
    for (const d of [1, 7, 768]) {
      const inputs = [rand([3, 5, d], 1), rand([d], 2), rand([d], 3)];
      await expectMatchesReference((x, w, b) => layerNorm(x, w, b, 1e-6), inputs, 1e-4);
      await expectMatchesReference((x, w, b) => tf.grads((a: tf.Tensor, c: tf.Tensor, e: tf.Tensor) => lossOf(layerNorm(a, c, e)))([x, w, b]), inputs, 1e-4);
    }
  });

  it('gelu: output and gradient on random and large-magnitude inputs', async () => {
    await expectMatchesReference((x) => gelu(x), [rand([4, 1000], 4)], 1e-5);
    const wide = { values: Float32Array.from({ length: 200 }, (_, i) => (i - 100) / 8), shape: [200] };
    await expectMatchesReference((x) => gelu(x), [wide], 1e-5);
    await expectMatchesReference((x) => tf.grad((a: tf.Tensor) => lossOf(gelu(a)))(x), [wide], 1e-5);
  });

  it('cross-entropy: loss and gradient over a 30k vocabulary, with ignored rows', async () => {
    const labels = { values: Int32Array.from([5, -100, 29999, 0]), shape: [4] };
    await expectMatchesReference((l, y) => softmaxCrossEntropyWithIntLabels(l, y), [rand([4, 30000], 5), labels], 1e-5);
    await expectMatchesReference(
      (l, y) => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(softmaxCrossEntropyWithIntLabels(a, y), tf.tensor1d([1, 2, 3, 4]))))(l),
      [rand([4, 30000], 6), labels],
      1e-5,
    );
  });

  it('linear + cross-entropy (logits reused in place for the gradient): loss and gradients of x, W, b', async () => {
    const labels = { values: Int32Array.from([3, -100, 999, 0, 7]), shape: [5] };
    for (const withBias of [true, false]) {
      const inputs = [rand([5, 16], 21), rand([16, 1000], 22), rand([1000], 23), labels];
      await expectMatchesReference((x, w, b, y) => linearCrossEntropy(x, w, withBias ? b : undefined, y), inputs, 1e-5);
      await expectMatchesReference(
        (x, w, b, y) => {
          const loss = (a: tf.Tensor, c: tf.Tensor, e?: tf.Tensor) => tf.sum(tf.mul(linearCrossEntropy(a, c, e, y), tf.tensor1d([1, 2, 3, 4, 5])));
          return withBias ? tf.grads(loss)([x, w, b]) : tf.grads((a: tf.Tensor, c: tf.Tensor) => loss(a, c))([x, w]);
        },
        inputs,
        1e-4,
      );
    }
  });

  it('attention on [B, H, N, hd] heads: output, probabilities and every gradient, with key padding', async () => {
    const inputs = [
      rand([2, 3, 5, 4], 7),
      rand([2, 3, 6, 4], 8),
      rand([2, 3, 6, 4], 9),
      { values: Float32Array.from([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1]), shape: [2, 6] },
    ];
    const attend = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor) =>
      scaledDotProductAttention(q as tf.Tensor4D, k as tf.Tensor4D, v as tf.Tensor4D, 0.5, { keyPaddingMask: mask, returnProbs: true });
    await expectMatchesReference(
      (q, k, v, m) => {
        const r = attend(q, k, v, m);
        return [r.output, r.probs!];
      },
      inputs,
      1e-5,
    );
    await expectMatchesReference(
      (q, k, v, m) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const r = attend(a, b, c, m);
          return tf.add(lossOf(r.output), lossOf(r.probs!));
        })([q, k, v]),
      inputs,
      1e-4,
    );
  });

  it('attention read from projections (fused qkv, fused kv) equals the head-layout op', async () => {
    // Reference on both backends: split + transpose + scaledDotProductAttention.
    const heads = (t: tf.Tensor, col: number, h: number, hd: number) => {
      const [b, l] = t.shape;
      return tf.transpose(tf.reshape(tf.slice(t, [0, 0, col], [b, l, h * hd]), [b, l, h, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
    };
    const merged = (o: tf.Tensor) => tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [o.shape[0], o.shape[2] as number, -1]);
    await initNative();
    const qkv = tf.randomNormal([2, 7, 3 * 12], 0, 1, 'float32', 1);
    const q = tf.randomNormal([2, 7, 12], 0, 1, 'float32', 2);
    const kv = tf.randomNormal([2, 9, 24], 0, 1, 'float32', 3);
    const self = projectedAttention({ tensor: qkv, column: 0 }, { tensor: qkv, column: 12 }, { tensor: qkv, column: 24 }, 3, 0.5);
    const selfRef = merged(scaledDotProductAttention(heads(qkv, 0, 3, 4), heads(qkv, 12, 3, 4), heads(qkv, 24, 3, 4), 0.5).output);
    expect(maxDiff(self.output, selfRef)).toBeLessThan(1e-5);
    const cross = projectedAttention({ tensor: q, column: 0 }, { tensor: kv, column: 0 }, { tensor: kv, column: 12 }, 3, 0.5, { returnProbs: true });
    const crossRef = scaledDotProductAttention(heads(q, 0, 3, 4), heads(kv, 0, 3, 4), heads(kv, 12, 3, 4), 0.5, { returnProbs: true });
    expect(maxDiff(cross.output, merged(crossRef.output))).toBeLessThan(1e-5);
    expect(maxDiff(cross.probs!, crossRef.probs!)).toBeLessThan(1e-6);
    // Gradients flow to the fused sources.
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      lossOf(projectedAttention({ tensor: a, column: 0 }, { tensor: b, column: 0 }, { tensor: b, column: 12 }, 3, 0.5).output),
    )([q, kv]);
    const gRef = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      lossOf(merged(scaledDotProductAttention(heads(a, 0, 3, 4), heads(b, 0, 3, 4), heads(b, 12, 3, 4), 0.5).output)),
    )([q, kv]);
    expect(maxDiff(g[0], gRef[0])).toBeLessThan(1e-5);
    expect(maxDiff(g[1], gRef[1])).toBeLessThan(1e-5);
    tf.dispose([qkv, q, kv, self.output, selfRef, cross.output, cross.probs!, crossRef.output, crossRef.probs!, ...g, ...gRef]);
  });
});

describe('fused transformer block (native) against the layer-by-layer block (cpu)', () => {
  requireNativeBackend();

  it.each([
    [true, false],
    [false, false],
    [true, true],
  ])('qkv bias %s, key padding %s: output and the gradients of x and of all 12 parameters', async (qkvBias, padded) => {
    const mask = { values: Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]), shape: [2, 7] };
    const program = (x: tf.Tensor, m: tf.Tensor) => {
      // Built inside the program so each backend gets its own variables (same seed, same values).
      const block = new TransformerBlock(12, 3, { qkvBias, rng: new Rng(4) });
      const opts = padded ? { keyPaddingMask: m } : {};
      const params = block.parameters();
      const { value, grads } = tf.variableGrads(() => lossOf(block.forward(x, opts)) as tf.Scalar, params);
      const gx = tf.grad((a: tf.Tensor) => lossOf(block.forward(a, opts)))(x);
      const out = [block.forward(x, opts), value, gx, ...params.map((p) => grads[p.name])];
      block.dispose();
      return out;
    };
    await expectMatchesReference(program, [rand([2, 7, 12], 11), mask], 1e-4);
  });
});

async function initNative(): Promise<void> {
  const { initBackend } = await import('../../backend.js');
  await initBackend({ backend: 'native', quiet: true });
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
