import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceTicks, tickLabel } from './svg-chart.js';

/** The numbers of an SVG path's `d` as [x, y] pairs, with the command letters. */
function pathOf(svg: string, series: string): { commands: string; points: number[][]; declared: number } {
  const m = new RegExp(`<path data-series="${series}" data-points="(\\d+)" d="([^"]*)"`).exec(svg);
  if (!m) throw new Error(`no path for ${series}`);
  const nums = m[2].match(/-?\d+(\.\d+)?/g)!.map(Number);
  return {
    commands: m[2].replace(/[^ML]/g, ''),
    points: Array.from({ length: nums.length / 2 }, (_, k) => [nums[2 * k], nums[2 * k + 1]]),
    declared: Number(m[1]),
  };
}

describe('lineChart', () => {
  const svg = lineChart(
    [
      {
        name: 'mim',
        points: [
          [1, 1],
          [2, 0.5],
          [3, Number.NaN],
          [4, 0.25],
        ],
        colour: '#00f',
      },
      {
        name: 'lr',
        points: [
          [1, 0],
          [4, 1e-3],
        ],
        colour: '#888',
        axis: 'right',
        dashed: true,
      },
    ],
    { title: 'Loss & <lr>', xLabel: 'step', yLabel: 'loss', rightLabel: 'learning rate', width: 600, height: 320 },
  );

  it('draws each series across the plot area, breaking lines at gaps', () => {
    const mim = pathOf(svg, 'mim');
    expect(mim.declared).toBe(3);
    expect(mim.commands).toBe('MLM'); // the NaN at step 3 breaks the line
    // x: step 1 at the left edge (66), step 4 at the right edge (600 − 70 = 530)
    expect(mim.points[0][0]).toBeCloseTo(66, 1);
    expect(mim.points[2][0]).toBeCloseTo(530, 1);
    // y: higher values higher up (smaller y)
    expect(mim.points[0][1]).toBeLessThan(mim.points[1][1]);
    expect(mim.points[1][1]).toBeLessThan(mim.points[2][1]);
    const lr = pathOf(svg, 'lr');
    expect(lr.points[0][1]).toBeGreaterThan(lr.points[1][1]);
  });

  it('labels the title, both axes and the legend, escaped', () => {
    expect(svg).toContain('<title>Loss &amp; &lt;lr&gt;</title>');
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>loss</text>');
    expect(svg).toContain('>learning rate</text>');
    expect(svg).toContain('>lr (right axis)</text>');
    expect(svg).toContain('stroke-dasharray="5 4"');
  });

  it('has no right axis without right series, marks single points, and says when there is nothing', () => {
    const one = lineChart([{ name: 'a', points: [[5, 2]], colour: 'red' }], { title: 't', xLabel: 'x', yLabel: 'y', rightLabel: 'unused' });
    expect(one).not.toContain('unused');
    expect(one).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="3"/);
    expect(lineChart([{ name: 'a', points: [], colour: 'red' }], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('no data logged');
    const log = lineChart(
      [
        {
          name: 'a',
          points: [
            [1, 100],
            [2, 0],
            [3, 1],
          ],
          colour: 'red',
        },
      ],
      { title: 't', xLabel: 'x', yLabel: 'y', logY: true },
    );
    expect(pathOf(log, 'a').declared).toBe(2); // 0 has no logarithm
    expect(log).toContain('y (log scale)');
  });
});

describe('ticks', () => {
  it('are round numbers covering the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.3, 0.9, 5)).toEqual([0.4, 0.6, 0.8]);
    expect(niceTicks(0.3, 0.9, 10)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(niceTicks(-2.5, 2.5, 5)).toEqual([-2, -1, 0, 1, 2]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(tickLabel(0, 0.1)).toBe('0');
    expect(tickLabel(0.30000000000000004, 0.1)).toBe('0.3');
    expect(tickLabel(2e-4, 1e-4)).toBe('2.0e-4');
    expect(tickLabel(1500, 500)).toBe('1500');
  });
});

describe('barChart', () => {
  it('draws one bar per group and category, proportional to the value, with a reference line', () => {
    const svg = barChart(
      ['a', 'b'],
      [
        { name: 'pre', values: [0.5, 1], colour: '#00f' },
        { name: 'scratch', values: [0.25, Number.NaN], colour: '#aaa' },
      ],
      { title: 'AUROC', valueLabel: 'AUROC', domain: [0, 1], reference: { value: 0.5, label: 'chance' }, width: 600 },
    );
    const bars = [...svg.matchAll(/<rect data-group="([^"]+)" data-category="([^"]+)" data-value="([^"]*)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map(
      (m) => [m[1], m[2], m[3], Number(m[4])],
    );
    expect(bars).toHaveLength(4);
    const width = (g: string, c: string) => bars.find((b) => b[0] === g && b[1] === c)![3] as number;
    expect(width('pre', 'b')).toBeCloseTo(2 * width('pre', 'a'), 1);
    expect(width('scratch', 'a')).toBeCloseTo(width('pre', 'a') / 2, 1);
    expect(width('scratch', 'b')).toBe(0);
    expect(svg).toContain('>chance</text>');
    expect(svg).toContain('<title>AUROC</title>');
  });
});
