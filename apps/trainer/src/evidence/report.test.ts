import { describe, expect, it } from 'vitest';
import { aggregate, evidenceChartSvg, formatContrastTable, formatEvidenceTable, pairedContrasts, type CellResult } from './report.js';

const r = (row: string, seed: number, task: CellResult['task'], fraction: number, value: number): CellResult => ({
  row,
  seed,
  task,
  fraction,
  value,
  seconds: 1,
});

describe('evidence report', () => {
  const results = [
    r('mim', 0, 'probe', 0.1, 0.7),
    r('mim', 1, 'probe', 0.1, 0.8),
    r('random', 0, 'probe', 0.1, 0.6),
    r('random', 1, 'probe', 0.1, 0.62),
    r('random', 0, 'detection', 0.1, 0.1),
  ];
  const rows = [
    { name: 'random', label: 'random init' },
    { name: 'mim', label: 'MIM only' },
  ];

  it('aggregates seeds into mean and sample std, in row order', () => {
    const a = aggregate(results, ['random', 'mim']);
    expect(a.map((x) => `${x.row}/${x.task}`)).toEqual(['random/detection', 'random/probe', 'mim/probe']);
    const mim = a.find((x) => x.row === 'mim')!;
    expect(mim.mean).toBeCloseTo(0.75, 12);
    expect(mim.std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(Number.isNaN(a[0].std)).toBe(true); // one seed
  });

  it('writes a Markdown table and an SVG with a bar per row and fraction', () => {
    const a = aggregate(results, ['random', 'mim']);
    const table = formatEvidenceTable(a, rows, ['probe', 'detection'], [0.1]);
    expect(table.split('\n')).toEqual([
      '| row | linear-probe AUROC @ 10 % | detection mAP @ 10 % |',
      '|---|---|---|',
      '| random init | 0.610 ± 0.014 | 0.100 (n=1) |',
      '| MIM only | 0.750 ± 0.071 | – |',
    ]);
    const svg = evidenceChartSvg(a, rows, ['probe', 'detection'], [0.1], 'test <chart>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('test &lt;chart&gt;');
    expect(svg.match(/<circle /g)).toHaveLength(5); // one dot per seed value
    expect(svg.match(/opacity="0.75"/g)).toHaveLength(3); // one bar per (row, task, fraction) with data
  });

  it('pairs rows by seed: differences, their spread and the seeds won', () => {
    const c = pairedContrasts(results, [['mim', 'random']]);
    expect(c).toHaveLength(1); // detection has no mim cell
    expect(c[0].differences.map((d) => +d.toFixed(6))).toEqual([0.1, 0.18]);
    expect(c[0].mean).toBeCloseTo(0.14, 12);
    expect(c[0].std).toBeCloseTo(Math.sqrt(0.0032), 12);
    expect(c[0].wins).toBe(2);
    const table = formatContrastTable(c, [{ a: 'mim', b: 'random', label: 'MIM − random' }], ['probe', 'detection'], [0.1]);
    expect(table.split('\n')[2]).toBe('| MIM − random | +0.140 ± 0.057 (2/2) | – |');
  });
});
