import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { presetDir } from '../config/load.js';
import { cellConfig, evidenceContrasts } from './run.js';
import { epochsFor, parseEvidenceGrid, readEvidenceGrid } from './grid.js';

const task = { steps: 10, lr: 1e-3, batchSize: 4 };
const minimal = {
  base: 'tiny',
  seeds: [0, 1],
  fractions: [0.1],
  tasks: { probe: task, finetune: task, segmentation: task, detection: task },
  rows: [
    { name: 'random', label: 'random init', pretrain: false },
    { name: 'mim', label: 'MIM only', set: ['objectives.mlm.enabled=false', 'objectives.superres.enabled=false'] },
  ],
};

describe('evidence grid', () => {
  it('fills defaults and validates names, fractions and tasks by field', () => {
    const g = parseEvidenceGrid(minimal, 'g.json');
    expect(g.tasks.segmentation.channels).toEqual([64, 32, 16, 16]);
    expect(g.tasks.finetune.layerDecay).toBe(0.75);
    expect(g.rows[1].pretrain).toBe(true);
    expect(() => parseEvidenceGrid({ ...minimal, fractions: [0] }, 'g.json')).toThrow(/g\.json: invalid evidence grid[\s\S]*fractions\.0/);
    expect(() => parseEvidenceGrid({ ...minimal, rows: [minimal.rows[0], minimal.rows[0]] }, 'g.json')).toThrow(/'random' is used twice/);
    expect(() => parseEvidenceGrid({ ...minimal, tasks: { ...minimal.tasks, probe: { ...task, steps: 0 } } }, 'g.json')).toThrow(/tasks\.probe\.steps/);
    expect(() => readEvidenceGrid('/nonexistent/grid.json')).toThrow(/cannot read the evidence grid/);
    const withInit = (init: string, at = 1) => ({ ...minimal, rows: minimal.rows.map((r, i) => (i === at ? { ...r, init } : r)) });
    expect(() => parseEvidenceGrid(withInit('mim'), 'g.json')).toThrow(/rows\.1\.init: 'mim' is not an earlier row/);
    expect(() => parseEvidenceGrid(withInit('random'), 'g.json')).toThrow(/rows\.1\.init: row 'random' is not pre-trained/);
    expect(() => parseEvidenceGrid({ ...minimal, contrasts: [['mim', 'nope']] }, 'g.json')).toThrow(/contrasts\.0\.1: no row named 'nope'/);
  });

  it('cell configs: grid overrides, then the row, then seed and name', () => {
    const g = parseEvidenceGrid({ ...minimal, set: ['optim.steps=7', 'objectives.mlm.enabled=true'] }, 'g.json');
    const c = cellConfig(g, g.rows[1], 1);
    expect(c.seed).toBe(1);
    expect(c.name).toBe('mim-seed1');
    expect(c.optim.steps).toBe(7);
    expect(c.objectives.mlm.enabled).toBe(false);
  });

  it('the shipped grid is valid, cumulative, and every cell config resolves', () => {
    const g = readEvidenceGrid(join(presetDir, 'evidence.json'));
    expect(g.seeds.length).toBeGreaterThanOrEqual(3);
    expect(g.fractions).toEqual([0.01, 0.1]);
    expect(g.rows.map((r) => r.name)).toEqual(['random', 'mae', 'mim', 'mlm', 'rebalance', 'descriptor', 'context', 'sr-centre', 'sr-attention', 'full']);
    // Every pre-training row after the MAE stage starts from it.
    expect(g.rows.slice(2).every((r) => r.init === 'mae')).toBe(true);
    expect(g.contrasts).toContainEqual(['full', 'mim']);
    expect(evidenceContrasts(g.rows, g.contrasts).map((p) => `${p.a}-${p.b}`)).toEqual([
      'mae-random',
      'mim-mae',
      'mlm-mim',
      'rebalance-mlm',
      'descriptor-rebalance',
      'context-descriptor',
      'sr-centre-context',
      'sr-attention-sr-centre',
      'full-sr-attention',
      'full-mim',
      'full-mae',
      'full-random',
    ]);
    for (const r of g.rows) for (const s of g.seeds) expect(cellConfig(g, r, s).seed).toBe(s);
    const full = cellConfig(g, g.rows.at(-1)!, 0);
    expect([full.objectives.mim.enabled, full.objectives.superres.enabled, full.objectives.mlm.enabled]).toEqual([true, true, true]);
    expect(full.model.fusion).toBe('patches+pooled');
    expect(full.objectives.superres.window).toBe('online');
    // Each row after MIM differs from the previous one in what its label says it adds.
    const at = (name: string) =>
      cellConfig(
        g,
        g.rows.find((r) => r.name === name)!,
        0,
      );
    expect(at('mlm').objectives.mlm.masking).toBe('random');
    expect(at('rebalance').objectives.mlm.rebalance).toBe(true);
    expect(at('mlm').objectives.mlm.rebalance).toBe(false);
    expect(at('descriptor').objectives.mlm.masking).toBe('paper');
    expect(at('descriptor').data.context).toBe('none');
    expect(at('context').data.context).toBe('rules');
    expect(at('context').objectives.superres.enabled).toBe(false);
    expect(at('sr-centre').objectives.superres.window).toBe('center');
    expect(at('sr-attention').model.fusion).toBe('patches');
  });

  it('epochsFor gives at least the asked steps', () => {
    expect(epochsFor(100, 280, 16)).toBe(6); // 18 steps per epoch
    expect(epochsFor(100, 28, 16)).toBe(50);
    expect(epochsFor(1, 1000, 16)).toBe(1);
    expect(() => epochsFor(1, 0, 16)).toThrow(/no training images/);
  });
});
