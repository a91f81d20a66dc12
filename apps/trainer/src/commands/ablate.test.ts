import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, presetDir } from '../config/load.js';
import { ablateCommand, formatAblationTable, readGrid } from './ablate.js';

describe('ablation grid', () => {
  it('ships a grid whose every variant is a valid configuration of the tiny preset', () => {
    const grid = readGrid(join(presetDir, 'ablation.json'));
    expect(grid.variants.length).toBeGreaterThan(5);
    for (const v of grid.variants) expect(() => loadConfig('tiny', v.set)).not.toThrow();
  });

  it('names the file and field of a malformed grid', () => {
    const p = join(mkdtempSync(join(tmpdir(), 'grid-')), 'g.json');
    writeFileSync(p, JSON.stringify({ variants: [{ name: 'a b', set: [] }] }));
    expect(() => readGrid(p)).toThrow(/g\.json[\s\S]*variants\.0\.name/);
  });

  it('tabulates rows with dashes for objectives that were off', () => {
    const table = formatAblationTable([{ variant: 'mim-only', overrides: [], finalLoss: { mim: 0.5 }, msPerStep: 1234.4, auroc: 0.71, scratchAuroc: 0.6 }]);
    expect(table.split('\n')[2]).toBe('| mim-only | 0.5000 | – | – | 1234 | 0.7100 | 0.6000 |');
  });

  it('--preset accepts only evidence, and names a bad one', async () => {
    await expect(ablateCommand.run({ config: 'tiny', set: [], preset: 'nope' }, [])).rejects.toThrow(/--preset: unknown preset 'nope'/);
    await expect(ablateCommand.run({ config: 'tiny', set: [], preset: 'evidence', grid: '/nonexistent/e.json' }, [])).rejects.toThrow(
      /cannot read the evidence grid/,
    );
  });
});
