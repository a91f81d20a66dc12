import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@ecamp/core';
import { ECAMP_WINDOW_GEOMETRY, WindowSelector } from '@ecamp/superres';
import { maskingFromNoise } from '@ecamp/vision';
import { TINY_VISION_SETS } from '../../../test/pretrain-fixtures.js';
import { loadConfig } from '../../config/load.js';
import { FixedBatchSource } from '../fixed-source.js';
import { EcampPretrainModel } from '../model.js';
import { pretrainLoss } from '../step.js';
import { disposeInputs, toPretrainInputs } from '../tensors.js';
import { authorsSrScale, srWindowGeometry } from './superres.js';

const small = [...TINY_VISION_SETS, 'objectives.mlm.enabled=false', 'objectives.superres.window=center', 'data.batchSize=1'];

describe('model.superres.windowCells', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });

  it("sets the SR window: ECAMP's 12 by default, the centred window and the authors' scale follow it", async () => {
    expect(srWindowGeometry(loadConfig('tiny'))).toEqual(ECAMP_WINDOW_GEOMETRY);
    const config = loadConfig('tiny', [...small, 'model.superres.windowCells=10']);
    const geometry = srWindowGeometry(config);
    expect(geometry).toEqual({ gridSize: 14, windowCells: 10, cellPx: 32 });
    expect(authorsSrScale(geometry)).toBeCloseTo((320 / 448) ** 2, 12);
    const batch = await FixedBatchSource.random(['No effusion.'], 1).next();
    const { inputs } = toPretrainInputs(batch, config, undefined, new Rng(1));
    expect(inputs.windows).toEqual([{ i: 2, j: 2 }]); // 5 positions per axis
    const model = new EcampPretrainModel(config, 1);
    const before = tf.memory().numTensors;
    const value = tf.tidy(
      () =>
        pretrainLoss(
          model,
          inputs,
          config,
          maskingFromNoise(
            Array.from({ length: 196 }, (_, k) => k / 196),
            1,
            196,
            0.75,
          ),
          new WindowSelector({ geometry }),
        ).parts.superres!,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(value) && value > 0).toBe(true);
    disposeInputs(inputs);
    model.dispose();
  });
});
