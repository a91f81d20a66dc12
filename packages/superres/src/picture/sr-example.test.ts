import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdamW, initBackend, Rng, tf, trainStep } from '@ecamp/core';
import { srExamplePanels, writeSrExamplePng } from './sr-example.js';
import { SrHead } from '../head/sr-head.js';
import { srWindowLoss } from '../loss/sr-loss.js';
import { selectWindow } from '../window/select.js';
import { lowRes, noduleAttention, phantom } from '../../test/helpers/phantom.js';
import { decodePng } from '../../test/helpers/png-decode.js';

beforeAll(async () => {
  await initBackend();
});
const dir = mkdtemp(join(tmpdir(), 'ecamp-srpic-'));
afterAll(async () => rm(await dir, { recursive: true, force: true }));

describe('SR example picture', () => {
  it('trains the head on a synthetic example, then draws input, target, output, window and attention', async () => {
    // A 112 view with 8-px cells keeps the test fast; the committed picture uses 448 (scripts/sr-picture.ts).
    const geometry = { gridSize: 14, windowCells: 12, cellPx: 8 };
    const S = 112;
    const target = phantom(S);
    const input = lowRes(target, 3);
    const attention = noduleAttention(14);
    const window = selectWindow(attention, geometry);
    expect({ i: window.i, j: window.j }).toEqual({ i: 2, j: 0 }); // nodule at the bottom-left

    const head = new SrHead({ rng: new Rng(1) });
    const x = tf.expandDims(input, 0) as tf.Tensor4D;
    const t = tf.expandDims(target, 0) as tf.Tensor4D;
    const loss = () => srWindowLoss(head.forward(x), t, [window], { geometry });
    const opt = new AdamW(head.namedParameters(), { lr: 5e-3, weightDecay: 0 });
    const first = trainStep(head, loss, opt).loss;
    let last = first;
    for (let s = 0; s < 12; s++) last = trainStep(head, loss, opt).loss;
    expect(last).toBeLessThan(first);

    const output = tf.tidy(() => head.forward(x).squeeze([0]) as tf.Tensor3D);
    const panels = srExamplePanels({ input, target, output, window, attention }, { geometry });
    expect(panels.map((p) => [p.height, p.width, p.showWindow])).toEqual([
      [S / 2, S / 2, false],
      [S, S, true],
      [S, S, true],
      [14, 14, true],
    ]);

    const path = join(await dir, 'sr.png');
    const img = await writeSrExamplePng(path, { input, target, output, window, attention }, { geometry });
    const png = decodePng(await readFile(path));
    expect([png.width, png.height]).toEqual([img.width, img.height]);
    expect([png.width, png.height]).toEqual([4 * S + 3 * 4, S]);
    // Window (2, 0) on the target panel (x offset S + 4): top-left corner at (0, 2·8) is red; above it is not.
    const x0 = S + 4;
    expect(png.px(x0, 16)).toEqual([255, 0, 0]);
    expect(png.px(x0 + 50, 5)).not.toEqual([255, 0, 0]);
    // The nodule is bright in the target: a pixel at its centre is lighter than the lung beside it.
    const nodule = png.px(x0 + Math.round(0.16 * S), Math.round(0.82 * S))[0];
    const lung = png.px(x0 + Math.round(0.3 * S), Math.round(0.4 * S))[0];
    expect(nodule).toBeGreaterThan(lung + 40);
    tf.dispose([target, input, x, t, output]);
    head.dispose();
  });
});
