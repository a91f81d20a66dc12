/**
 * Writes docs/sr-example.png: one synthetic 448 example (phantom with a bottom-left nodule),
 * its 224 "MIM prediction" stand-in, the SR output after a short fit of a fresh head on the
 * window, the window chosen from a synthetic nodule-centred attention map, and that map.
 *
 *   node --conditions=source --import tsx scripts/sr-picture.ts [out.png] [steps]
 */
import { fileURLToPath } from 'node:url';
import { AdamW, initBackend, Rng, tf, trainStep } from '@ecamp/core';
import { SrHead, selectWindow, srWindowLoss, writeSrExamplePng } from '../src/index.js';
import { lowRes, noduleAttention, phantom } from '../test/helpers/phantom.js';

const out = process.argv[2] ?? fileURLToPath(new URL('../docs/sr-example.png', import.meta.url));
const steps = Number(process.argv[3] ?? 30);
const info = await initBackend();
console.log(`backend ${info.backend}`);
const target = phantom(448);
const input = lowRes(target, 3);
const attention = noduleAttention(14);
const window = selectWindow(attention);
console.log(`window (i=${window.i}, j=${window.j}), attention mass inside ${window.mass.toFixed(3)}`);
const head = new SrHead({ rng: new Rng(1) });
const x = tf.expandDims(input, 0) as tf.Tensor4D;
const t = tf.expandDims(target, 0) as tf.Tensor4D;
const opt = new AdamW(head.namedParameters(), { lr: 5e-3, weightDecay: 0 });
const t0 = performance.now();
for (let s = 0; s < steps; s++) {
  const r = trainStep(head, () => srWindowLoss(head.forward(x), t, [window]), opt);
  if (s === 0 || s === steps - 1) console.log(`step ${s + 1}: window loss ${r.loss.toFixed(5)}`);
}
console.log(`${((performance.now() - t0) / steps).toFixed(0)} ms per step`);
const output = tf.tidy(() => head.forward(x).squeeze([0]) as tf.Tensor3D);
const img = await writeSrExamplePng(out, { input, target, output, window, attention });
console.log(`wrote ${out} (${img.width}×${img.height})`);
