import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkGradients,
  checkParameterGradients,
  gradStepTensorLeak,
  initBackend,
  readSafetensors,
  resizeBilinear,
  Rng,
  tensorFromData,
  tf,
  torchConvToTf,
  type TensorData,
} from '@ecamp/core';
import { SrHead } from './sr-head.js';
import { srWindowLoss, srWindowLossCropped } from '../loss/sr-loss.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/sr_head.safetensors', import.meta.url));

/** NCHW fixture tensor → NHWC tf tensor. */
const nhwc = (t: TensorData) => tf.tidy(() => tf.transpose(tensorFromData(t), [0, 2, 3, 1]) as tf.Tensor4D);

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe.each(['native', 'wasm', 'cpu'] as const)('SrHead: PyTorch parity on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  const { tensors, metadata } = readSafetensors(FIXTURE);
  const geometry = { gridSize: +metadata.gridSize, windowCells: +metadata.windowCells, cellPx: +metadata.cellPx };
  const windows = [0, 1].map((b) => ({ i: tensors.windows.data[2 * b], j: tensors.windows.data[2 * b + 1] }));

  for (const finalActivation of ['none', 'relu'] as const) {
    it(`matches PyTorch output and windowed loss with final activation '${finalActivation}'`, () => {
      const head = new SrHead({ channels: 3, hidden: +metadata.hidden, finalActivation });
      head.loadStateDict({
        'conv1.weight': torchConvToTf(tensors['conv1.weight']),
        'conv1.bias': tensors['conv1.bias'],
        'conv2.weight': torchConvToTf(tensors['conv2.weight']),
        'conv2.bias': tensors['conv2.bias'],
      });
      const [x, target, ref] = [nhwc(tensors.x), nhwc(tensors.target), nhwc(tensors[`out_${finalActivation}`])];
      const out = head.forward(x);
      expect(out.shape).toEqual([2, 24, 24, 3]);
      expect(maxAbsDiff(out, ref)).toBeLessThan(1e-5);
      const loss = srWindowLoss(out, target, windows, { geometry });
      expect(loss.dataSync()[0]).toBeCloseTo(tensors[`loss_${finalActivation}`].data[0], 5);

      if (finalActivation === 'none') {
        const f = () => srWindowLoss(head.forward(x), target, windows, { geometry });
        const { grads } = tf.variableGrads(f, head.parameters());
        for (const p of head.namedParameters()) {
          const refGrad = p.name.endsWith('weight') ? torchConvToTf(tensors[`grad/${p.name}`]) : tensors[`grad/${p.name}`];
          const r = tensorFromData(refGrad);
          expect(maxAbsDiff(grads[p.variable.name], r), p.name).toBeLessThan(1e-5);
          r.dispose();
        }
        const [gx] = tf.grads((xi: tf.Tensor) => srWindowLoss(head.forward(xi as tf.Tensor4D), target, windows, { geometry }))([x]);
        const gref = nhwc(tensors['grad/x']);
        expect(maxAbsDiff(gx, gref)).toBeLessThan(1e-6);
        tf.dispose([gx, gref, ...Object.values(grads)]);
      }
      tf.dispose([x, target, ref, out, loss]);
      head.dispose();
    });
  }
});

describe('SrHead: behaviour', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const rng = new Rng(9);
  const rand = (shape: number[]) => tf.tensor4d(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape as [number, number, number, number]);

  it('is the bilinear upsampling plus a learned residual: zero conv2 gives exactly the upsampled input', () => {
    const head = new SrHead({ hidden: 4 });
    head.conv2.weight.assign(tf.zerosLike(head.conv2.weight));
    head.conv2.bias!.assign(tf.zerosLike(head.conv2.bias!));
    const x = rand([1, 5, 7, 3]);
    const out = head.forward(x);
    const up = resizeBilinear(x, [10, 14]);
    expect(out.shape).toEqual([1, 10, 14, 3]);
    expect(maxAbsDiff(out, up)).toBe(0);
    tf.dispose([x, out, up]);
    head.dispose();
  });

  it("keeps negative values by default and clamps them with finalActivation 'relu'", () => {
    const x = tf.fill([1, 4, 4, 3], -1) as tf.Tensor4D;
    const plain = new SrHead({ rng: new Rng(1) });
    const relu = new SrHead({ rng: new Rng(1), finalActivation: 'relu' });
    const a = plain.forward(x);
    const b = relu.forward(x);
    expect(tf.tidy(() => tf.min(a).dataSync()[0])).toBeLessThan(0);
    expect(tf.tidy(() => tf.min(b).dataSync()[0])).toBe(0);
    expect(maxAbsDiff(b, tf.relu(a))).toBe(0);
    tf.dispose([x, a, b]);
    plain.dispose();
    relu.dispose();
  });

  it('supports another integer scale factor', () => {
    const head = new SrHead({ scale: 3, channels: 1, hidden: 2 });
    const x = rand([2, 4, 4, 1]);
    const out = head.forward(x);
    expect(out.shape).toEqual([2, 12, 12, 1]);
    tf.dispose([x, out]);
    head.dispose();
  });

  it('passes finite-difference gradient checks for its input and both convs', () => {
    const head = new SrHead({ hidden: 3, rng: new Rng(4) });
    const x = rand([1, 6, 6, 3]);
    // A small step: with eps 1e-2 the hidden ReLU's kinks fall inside the difference interval.
    expect(checkGradients((xi) => head.forward(xi as tf.Tensor4D), [x], { eps: 1e-3, probes: 12 }).maxRelError).toBeLessThan(1e-2);
    const probe = rand([1, 12, 12, 3]);
    const loss = () => tf.sum(tf.mul(head.forward(x), probe)) as tf.Scalar;
    const errors = checkParameterGradients(loss, head.parameters(), { eps: 1e-3, probes: 6 });
    expect(errors.length).toBe(4);
    expect(Math.max(...errors)).toBeLessThan(2e-2);
    tf.dispose([x, probe]);
    head.dispose();
  });

  it('leaks no tensors across training steps', () => {
    const head = new SrHead();
    const x = rand([1, 8, 8, 3]);
    const target = rand([1, 16, 16, 3]);
    const geometry = { gridSize: 4, windowCells: 2, cellPx: 4 };
    expect(gradStepTensorLeak(() => srWindowLoss(head.forward(x), target, [{ i: 1, j: 2 }], { geometry }), head.parameters())).toBe(0);
    tf.dispose([x, target]);
    head.dispose();
  });

  it('rejects bad options and inputs, naming them', () => {
    expect(() => new SrHead({ scale: 1.5 })).toThrow(/scale must be a positive integer/);
    expect(() => new SrHead({ finalActivation: 'tanh' as never })).toThrow(/finalActivation/);
    const head = new SrHead();
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => head.forward(x)).toThrow(/input must be \[B, h, w, 3\]/);
    x.dispose();
    head.dispose();
  });
});

describe('SrHead.forwardWindows', () => {
  beforeAll(async () => {
    await initBackend();
  });
  const geometry = { gridSize: 6, windowCells: 4, cellPx: 4 }; // 24×24 view, 16×16 windows
  const rng = new Rng(31);

  it('equals the full output cropped to each window (corners, edges, centre), and the losses agree', () => {
    const head = new SrHead({ hidden: 4, rng: new Rng(6) });
    const windows = [
      { i: 0, j: 0 },
      { i: 2, j: 2 },
      { i: 1, j: 0 },
      { i: 0, j: 2 },
      { i: 1, j: 1 },
    ];
    const x = tf.tensor4d(rng.normalArray(5 * 12 * 12 * 3), [5, 12, 12, 3]);
    const target = tf.tensor4d(rng.normalArray(5 * 24 * 24 * 3), [5, 24, 24, 3]);
    const full = head.forward(x);
    const win = head.forwardWindows(x, windows, geometry);
    expect(win.shape).toEqual([5, 16, 16, 3]);
    windows.forEach((w, k) => {
      const ref = tf.slice(full, [k, 4 * w.i, 4 * w.j, 0], [1, 16, 16, 3]);
      const got = tf.slice(win, [k, 0, 0, 0], [1, 16, 16, 3]);
      expect(maxAbsDiff(got, ref), `window ${k}`).toBeLessThan(1e-5);
      tf.dispose([ref, got]);
    });
    const a = srWindowLoss(full, target, windows, { geometry });
    const b = srWindowLossCropped(win, target, windows, { geometry });
    expect(b.dataSync()[0]).toBeCloseTo(a.dataSync()[0], 5);
    // Same gradients for every parameter and the input.
    const gFull = tf.variableGrads(() => srWindowLoss(head.forward(x), target, windows, { geometry }), head.parameters());
    const gWin = tf.variableGrads(() => srWindowLossCropped(head.forwardWindows(x, windows, geometry), target, windows, { geometry }), head.parameters());
    for (const p of head.parameters()) expect(maxAbsDiff(gFull.grads[p.name], gWin.grads[p.name])).toBeLessThan(1e-5);
    const [gx1] = tf.grads((xi: tf.Tensor) => srWindowLoss(head.forward(xi as tf.Tensor4D), target, windows, { geometry }))([x]);
    const [gx2] = tf.grads((xi: tf.Tensor) => srWindowLossCropped(head.forwardWindows(xi as tf.Tensor4D, windows, geometry), target, windows, { geometry }))([
      x,
    ]);
    expect(maxAbsDiff(gx1, gx2)).toBeLessThan(1e-6);
    tf.dispose([x, target, full, win, a, b, gFull.value, gWin.value, gx1, gx2, ...Object.values(gFull.grads), ...Object.values(gWin.grads)]);
    head.dispose();
  });

  it('rejects a view that does not match the geometry and a window off the grid', () => {
    const head = new SrHead();
    const x = tf.zeros([1, 10, 10, 3]) as tf.Tensor4D;
    expect(() => head.forwardWindows(x, [{ i: 0, j: 0 }], geometry)).toThrow(/is not the 24×24 view/);
    const y = tf.zeros([1, 12, 12, 3]) as tf.Tensor4D;
    expect(() => head.forwardWindows(y, [{ i: 3, j: 0 }], geometry)).toThrow(/window 0 \(i=3, j=0\)/);
    tf.dispose([x, y]);
    head.dispose();
  });
});
