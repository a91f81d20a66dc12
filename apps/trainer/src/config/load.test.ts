import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '@ecamp/core';
import { FUSION_VARIANTS } from '@ecamp/fusion';
import { MASKING_MODES } from '@ecamp/mlm';
import { SR_FINAL_ACTIVATIONS } from '@ecamp/superres';
import { listVitPresets } from '@ecamp/vision';
import { ConfigError, deepMerge, loadConfig, parseOverride } from './load.js';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecamp-config-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadConfig', () => {
  it('loads the tiny preset with every default filled in', () => {
    const c = loadConfig('tiny');
    expect(c.model.vit).toBe('tiny');
    expect(c.objectives.mim.enabled).toBe(true);
    expect(c.optim.betas).toEqual([0.9, 0.95]);
  });

  it("the paper preset: the authors' recipe (MAE init, their tokenizer, LLM context, 7-layer text decoder, epochs, authors' schedule and loss scales)", () => {
    const c = loadConfig('paper', ['data.csv=/d/train.csv', 'evaluate.trainList=/d/t.txt', 'evaluate.testList=/d/v.txt']);
    expect(c.model.vit).toBe('base');
    expect(c.model.init).toBe('mae_pretrain_vit_base.safetensors');
    expect(c.tokenizer.path).toBe('mimic_wordpiece.json');
    expect(c.data.context).toBe('csv');
    expect(c.model.text.layers).toBe(7);
    expect(c.optim.epochs).toBe(120);
    expect([c.optim.schedule, c.objectives.balance, c.objectives.mlm.templates]).toEqual(['authors', 'authors', 'authors']);
    expect(c.data.batchSize * c.optim.accumulate).toBe(8192);
  });

  it('follows extends and applies --set overrides in order', () => {
    const p = tempFile('a.yaml', 'extends: tiny\nseed: 3\nobjectives:\n  mlm:\n    enabled: false\n  superres:\n    window: center\n');
    const c = loadConfig(p, ['optim.lr=0.001', 'objectives.superres.weight=2', 'name=abl']);
    expect(c.seed).toBe(3);
    expect(c.objectives.mlm.enabled).toBe(false);
    expect(c.objectives.superres.weight).toBe(2);
    expect(c.optim.lr).toBe(0.001);
    expect(c.name).toBe('abl');
  });

  it('names the file and field of an invalid value', () => {
    const p = tempFile('bad.json', JSON.stringify({ optim: { lr: 'fast' } }));
    expect(() => loadConfig(p)).toThrow(ConfigError);
    expect(() => loadConfig(p)).toThrow(/bad\.json[\s\S]*optim\.lr/);
  });

  it('rejects unknown fields (typos) by name', () => {
    const p = tempFile('typo.json', JSON.stringify({ optim: { learningRate: 1 } }));
    expect(() => loadConfig(p)).toThrow(/optim[\s\S]*learningRate/);
  });

  it('names the field of cross-field rules: a split without a test part, a warm-up longer than the run', () => {
    expect(() => loadConfig('tiny', ['data.syntheticSplit.train=0.9', 'data.syntheticSplit.val=0.1'])).toThrow(
      /data\.syntheticSplit: train \+ val must leave a test split/,
    );
    expect(() => loadConfig('tiny', ['optim.schedule=cosine', 'optim.steps=5', 'optim.warmupSteps=6'])).toThrow(
      /optim\.warmupSteps: must not exceed optim\.steps/,
    );
    // The authors' schedule derives its own warm-up, so optim.warmupSteps does not constrain it.
    expect(loadConfig('tiny', ['optim.schedule=authors', 'optim.steps=5', 'optim.warmupSteps=6']).optim.steps).toBe(5);
    expect(() => loadConfig('tiny', ['objectives.balance=equal'])).toThrow(/objectives\.balance/);
    expect(() => loadConfig('tiny', ['objectives.mlm.lossNormalisation=real-tokens'])).toThrow(/lossNormalisation/);
    // Label draws: only for the probe, and only on a subset of the labels.
    expect(loadConfig('tiny', ['evaluate.draws=5', 'evaluate.trainFraction=0.1']).evaluate.draws).toBe(5);
    expect(() => loadConfig('tiny', ['evaluate.draws=5', 'evaluate.trainFraction=0.1', 'evaluate.protocol=finetune'])).toThrow(
      /evaluate\.draws: label draws are for the linear probe/,
    );
    expect(() => loadConfig('tiny', ['evaluate.draws=5'])).toThrow(/evaluate\.draws: with evaluate\.trainFraction 1 every draw is the whole training list/);
  });

  it('reports unparsable files, missing files and unknown presets clearly', () => {
    expect(() => loadConfig(tempFile('x.json', '{ nope'))).toThrow(/x\.json: cannot parse/);
    expect(() => loadConfig('/nonexistent/c.json')).toThrow(/not found: \/nonexistent\/c\.json/);
    expect(() => loadConfig('nosuchpreset')).toThrow(/no preset named 'nosuchpreset'/);
  });
});

describe('overrides', () => {
  it('parses JSON values and keeps other text as strings', () => {
    expect(parseOverride('a.b=3')).toEqual({ a: { b: 3 } });
    expect(parseOverride('a=[1,2]')).toEqual({ a: [1, 2] });
    expect(parseOverride('a=hello')).toEqual({ a: 'hello' });
    expect(() => parseOverride('noequals')).toThrow(/key\.path=value/);
  });

  it('merges objects deeply and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] } });
  });
});

describe('cross-field rules', () => {
  it('names the field that breaks a rule', () => {
    expect(() => loadConfig('tiny', ['data.source=csv'])).toThrow(/data\.csv: required/);
    expect(() => loadConfig('tiny', ['model.fusion=none'])).toThrow(/objectives\.superres\.window/);
    expect(() => loadConfig('tiny', ['model.normPixLoss=true'])).toThrow(/model\.normPixLoss/);
    expect(loadConfig('tiny', ['model.fusion=none', 'objectives.superres.window=center']).model.fusion).toBe('none');
    expect(() => loadConfig('tiny', ['model.superres.windowCells=15'])).toThrow(/model\.superres\.windowCells: the window must fit the 14×14 patch grid/);
  });
});

describe("the packages' enums", () => {
  it('the schema accepts exactly what the packages declare (ViT presets, fusion variants, masking modes, SR activations, backends)', () => {
    const cases: [string, readonly string[]][] = [
      ['model.vit', listVitPresets()],
      ['model.fusion', FUSION_VARIANTS],
      ['objectives.mlm.masking', MASKING_MODES],
      ['model.superres.finalActivation', SR_FINAL_ACTIVATIONS],
      ['backend', BACKEND_NAMES],
    ];
    for (const [field, values] of cases) {
      for (const v of values) expect(() => loadConfig('tiny', [`${field}=${v}`, 'objectives.superres.window=center']), `${field}=${v}`).not.toThrow();
      expect(() => loadConfig('tiny', [`${field}=bogus`]), field).toThrow(new RegExp(field.replace(/\./g, '\\.')));
    }
  });
});
