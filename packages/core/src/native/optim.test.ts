import { describe, expect, it } from 'vitest';
import { requireNativeBackend } from '../../test/native.js';
import { initBackend } from '../backend.js';
import { Module } from '../module.js';
import { AdamW } from '../optim/adamw.js';
import { globalNorm } from '../optim/grads.js';
import { Rng } from '@ecamp/io/rng';
import { tf } from '../tf.js';
import { nativeSumSquares } from './optim.js';

class Toy extends Module {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(seed: number) {
    super();
    const rng = new Rng(seed);
    this.w = this.addParameter('w', tf.tensor2d(rng.normalArray(300 * 70), [300, 70]));
    this.b = this.addParameter('b', tf.tensor1d(rng.normalArray(70)), { decay: false });
  }
}

/** Three AdamW steps (clipped on the second) on `backend`; the final parameters. */
async function train(backend: 'native' | 'cpu', share: boolean, clip: boolean): Promise<number[][]> {
  await initBackend({ backend, quiet: true });
  const toy = new Toy(1);
  const params = toy.namedParameters();
  // A live second reference to w's data forces the out-of-place TF.js path for w on native.
  const alias = share ? tf.clone(toy.w) : undefined;
  const opt = new AdamW(params, { lr: 0.01, weightDecay: 0.05 });
  const rng = new Rng(2);
  for (let s = 0; s < 3; s++) {
    const grads = { w: tf.tensor2d(rng.normalArray(300 * 70), [300, 70]), b: tf.tensor1d(rng.normalArray(70)) };
    opt.step(grads, clip && s === 1 ? { maxGradNorm: 1 } : {});
    tf.dispose(Object.values(grads));
  }
  const out = [Array.from(toy.w.dataSync()), Array.from(toy.b.dataSync())];
  alias?.dispose();
  opt.dispose();
  toy.dispose();
  return out;
}

describe('native optimiser paths', () => {
  requireNativeBackend();

  it('in-place AdamW is bit-identical to the TF.js path on cpu', async () => {
    const ref = await train('cpu', false, false);
    expect(await train('native', false, false)).toEqual(ref);
  });

  it('a parameter whose data is shared takes the TF.js path and ends the same', async () => {
    const ref = await train('cpu', false, false);
    expect(await train('native', true, false)).toEqual(ref);
  });

  it('clipping folded into the update matches TF.js (the norm is summed in another order)', async () => {
    const ref = await train('cpu', false, true);
    const got = await train('native', false, true);
    for (let t = 0; t < ref.length; t++) {
      const worst = Math.max(...got[t].map((v, i) => Math.abs(v - ref[t][i])));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('squared norms in one call match TF.js, and expose non-finite values', async () => {
    await initBackend({ backend: 'native', quiet: true });
    const a = tf.tensor1d([3, 4]);
    const b = tf.randomNormal([100000], 0, 1, 'float32', 3);
    const sq = nativeSumSquares([a, b])!;
    expect(sq[0]).toBe(25);
    // Double accumulation here, float32 in TF.js: equal to ~1e-5 of the sum.
    const reference = tf.tidy(() => tf.sum(tf.square(b)).dataSync()[0]);
    expect(Math.abs(sq[1] - reference) / reference).toBeLessThan(1e-4);
    expect(globalNorm({ a, b })).toBeCloseTo(Math.sqrt(sq[0] + sq[1]), 6);
    const bad = tf.tensor1d([1, NaN]);
    expect(Number.isNaN(globalNorm({ a, bad }))).toBe(true);
    expect(nativeSumSquares([tf.tensor1d([1], 'int32')])).toBeUndefined();
    tf.dispose([a, b, bad]);
  });
});
