import { beforeAll, describe, expect, it } from 'vitest';
import { disposeGrads, initBackend, namedGradients, Rng, tf } from '@ecamp/core';
import { WindowSelector } from '@ecamp/superres';
import { maskingFromNoise } from '@ecamp/vision';
import type { Config } from '../../config/schema.js';
import type { RawPretrainBatch } from '../batch-source.js';
import { FixedBatchSource } from '../fixed-source.js';
import { EcampPretrainModel } from '../model.js';
import { pretrainLoss, type LossParts } from '../step.js';
import { disposeInputs, toPretrainInputs } from '../tensors.js';
import { TEST_REPORTS, testTokenizer, tinyPretrainConfig } from '../../../test/pretrain-fixtures.js';
import { OBJECTIVES, OBJECTIVE_NAMES, enabledObjectives, withObjectives, type ObjectiveName, type RegisteredObjective } from './registry.js';

const REPORTS = TEST_REPORTS;
const tokenizer = testTokenizer;

/** A tiny configuration: every objective on, centred SR windows (so each objective can go off alone). */
function tinyConfig(extra: string[] = []): Config {
  return tinyPretrainConfig(...extra);
}

/** The parameter names under the modules `objective` owns (built on a fresh model of `config`). */
function ownedPrefixes(objective: RegisteredObjective, model: EcampPretrainModel): string[] {
  const modules = model.objectiveModules[objective.name];
  return modules ? Object.keys(modules).map((k) => `${k}.`) : [];
}

let batch: RawPretrainBatch;
const noise = Array.from({ length: 2 * 196 }, (_, i) => ((i * 7919) % 392) / 392);

/** One pass with gradients on `config` (eval mode, fixed MAE masking, fixed text draws). */
function pass(model: EcampPretrainModel, config: Config) {
  const { inputs } = toPretrainInputs(batch, config, tokenizer, new Rng(9));
  const params = model.namedParameters();
  let parts: LossParts = { total: Number.NaN };
  const { loss, grads } = namedGradients(params, () => {
    const out = pretrainLoss(model, inputs, config, maskingFromNoise(noise, 2, 196, 0.75), new WindowSelector());
    parts = out.parts;
    return out.loss;
  });
  const lossValue = loss.dataSync()[0];
  loss.dispose();
  const values: Record<string, Float32Array> = {};
  for (const [name, g] of Object.entries(grads)) values[name] = g.dataSync() as Float32Array;
  disposeGrads(grads);
  disposeInputs(inputs);
  return { parts, lossValue, grads: values };
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

describe('the objective registry', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    batch = await FixedBatchSource.random(REPORTS, 2, 3).next();
  });

  it('registers mim, mlm, superres in dependency order with a slice under objectives.<name> each', () => {
    expect(OBJECTIVE_NAMES).toEqual(['mim', 'mlm', 'superres']);
    const config = tinyConfig();
    for (const o of OBJECTIVES) {
      expect(config.objectives[o.name]).toMatchObject({ enabled: true, weight: 1 });
      expect(o.label).toMatch(/^[A-Z]+$/);
      expect(o.brief).toMatch(/^[a-z][a-z -]+$/);
      // what the run report's configuration table shows of it: paths that exist in a resolved configuration
      for (const s of o.reportSettings ?? [])
        expect(
          s.path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], config),
          s.path,
        ).toBeDefined();
    }
    expect(enabledObjectives(withObjectives(config, ['mlm'])).map((o) => o.name)).toEqual(['mlm']);
    expect(() => withObjectives(config, ['nope' as never])).toThrow(/no registered objective named nope/);
  });

  // timm-style: one parametrised test that every registered objective runs forward and backward on its own.
  it.each(OBJECTIVES.map((o) => [o.name, o] as const))('%s alone runs forward and backward on a tiny config, leaving no tensor', (name, objective) => {
    const config = withObjectives(tinyConfig(), [name]);
    const model = new EcampPretrainModel(config, tokenizer.vocabSize);
    model.eval();
    const before = tf.memory().numTensors;
    const { parts, grads } = pass(model, config);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(parts).sort()).toEqual([name, 'total'].sort());
    expect(Number.isFinite(parts[name]!)).toBe(true);
    expect(parts.total).toBe(parts[name]);
    // Its own modules receive a gradient, and so does the encoder it trains.
    for (const prefix of ownedPrefixes(objective, model)) {
      const own = Object.keys(grads).filter((n) => n.startsWith(prefix));
      expect(own.length, prefix).toBeGreaterThan(0);
      expect(Math.max(...own.map((n) => maxAbs(grads[n])))).toBeGreaterThan(0);
    }
    expect(maxAbs(grads['mae.blocks.0.attn.qkv.weight'])).toBeGreaterThan(0);
    model.dispose();
  });

  it('the MAE pixel decoder is built only while an objective that reads it (MIM, SR) is on: MLM alone has no mae.decoder_* or mae.mask_token parameter', () => {
    expect(OBJECTIVES.filter((o) => o.usesPixelDecoder).map((o) => o.name)).toEqual(['mim', 'superres']);
    const isDecoder = (n: string) => n.startsWith('mae.decoder_') || n === 'mae.mask_token';
    const decoderParameters = (on: ObjectiveName[]) => {
      const model = new EcampPretrainModel(withObjectives(tinyConfig(), on), tokenizer.vocabSize);
      const names = model.namedParameters().map((p) => p.name);
      expect(model.mae.hasDecoder, on.join('+')).toBe(names.some(isDecoder));
      model.dispose();
      return names.filter(isDecoder);
    };
    const all = decoderParameters(['mim', 'mlm', 'superres']);
    expect(all).toContain('mae.decoder_pred.weight');
    expect(decoderParameters(['mim', 'mlm'])).toEqual(all);
    expect(decoderParameters(['mlm', 'superres'])).toEqual(all);
    expect(decoderParameters(['mlm'])).toEqual([]);
  });

  it('the total loss is Σ weightᵢ · partᵢ over the enabled objectives', () => {
    const weights = { mim: 0.5, mlm: 2, superres: 0.25 };
    const config = tinyConfig(OBJECTIVE_NAMES.map((n) => `objectives.${n}.weight=${weights[n]}`));
    const model = new EcampPretrainModel(config, tokenizer.vocabSize);
    model.eval();
    const { parts, lossValue } = pass(model, config);
    const sum = OBJECTIVE_NAMES.reduce((s, n) => s + weights[n] * parts[n]!, 0);
    expect(OBJECTIVE_NAMES.every((n) => parts[n]! > 0)).toBe(true);
    expect(parts.total).toBeCloseTo(sum, 10);
    expect(lossValue).toBeCloseTo(sum, 5);
    model.dispose();
  });

  // One test per objective: off, it builds no module, its parameters are gone, and the
  // gradients of every other parameter are those of the full model with its weight at 0.
  it.each(OBJECTIVES.map((o) => [o.name, o] as const))('switching %s off removes its modules, parameters and gradients', (name, objective) => {
    const full = tinyConfig([`objectives.${name}.weight=0`]);
    const off = tinyConfig([`objectives.${name}.enabled=false`]);
    const withIt = new EcampPretrainModel(full, tokenizer.vocabSize);
    const without = new EcampPretrainModel(off, tokenizer.vocabSize);
    withIt.eval();
    without.eval();
    expect(without.objectiveModules[name]).toBeUndefined();
    expect(withIt.objectiveModules[name]).toBeDefined();
    const prefixes = ownedPrefixes(objective, withIt);
    const owned = withIt
      .namedParameters()
      .map((p) => p.name)
      .filter((n) => prefixes.some((p) => n.startsWith(p)));
    expect(without.namedParameters().map((p) => p.name)).toEqual(
      withIt
        .namedParameters()
        .map((p) => p.name)
        .filter((n) => !owned.includes(n)),
    );

    const a = pass(withIt, full);
    const b = pass(without, off);
    expect(b.parts[name]).toBeUndefined();
    expect(a.parts[name]).toBeGreaterThan(0);
    for (const n of owned) expect(Object.keys(b.grads)).not.toContain(n);
    // What the objective's term would have added is gone: the other gradients are the weight-0 ones
    // (a parameter only that term reached has none, where the weight-0 model has zeros).
    for (const n of Object.keys(b.grads)) {
      expect(a.grads[n], n).toBeDefined();
      expect(maxDiff(b.grads[n], a.grads[n]), n).toBeLessThan(1e-6);
    }
    for (const n of Object.keys(a.grads).filter((n) => !(n in b.grads))) expect(maxAbs(a.grads[n]), n).toBe(0);
    withIt.dispose();
    without.dispose();
  });
});
