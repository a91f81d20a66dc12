import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handMadeRun } from '../../test/report-fixtures.js';
import { readAblation, renderAblationReport } from './ablation-report.js';

describe('the ablation report', () => {
  it('tabulates the variants and overlays the curves of those whose run folder exists', () => {
    const { outDir, dir } = handMadeRun({ name: 'base-fusion' });
    writeFileSync(join(dir, 'report.html'), '<!doctype html>');
    const a = readAblation(join(outDir, 'ablation-base.json'));
    expect(a.base).toBe('base');
    expect([...a.runs.keys()]).toEqual(['fusion']);
    expect(a.issues).toEqual([expect.stringMatching(/run folder .*base-base of variant 'base' is missing: no curves for it/)]);
    const html = renderAblationReport(a, new Date('2026-11-30T00:00:00Z'));
    expect(html).toContain('<a href="base-fusion/report.html">fusion</a>');
    expect(html).toContain('<td>base</td><td>base</td>');
    expect(html).toContain('model.fusion=patches');
    // one chart per loss, the total then the registered objectives in registry order
    const charts = [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]).slice(1);
    expect(charts).toEqual(['Total loss (weighted sum)', 'MIM loss (masked image modelling)', 'MLM loss (masked report words)', 'SR loss (super-resolution)']);
    expect(html).toContain('<th>final MIM</th><th>final MLM</th><th>final SR</th>');
    expect(html).toMatch(/<path data-series="fusion" data-points="10"/);
    expect(html).not.toContain('<script');
    // Only relative links (the variants' own reports); the one URL is the SVG namespace.
    expect([...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((m) => m[1])).toEqual(['base-fusion/report.html']);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
  });

  it('refuses files that are no ablation table, naming them', () => {
    const { outDir } = handMadeRun();
    expect(() => readAblation(join(outDir, 'base-fusion', 'config.json'))).toThrow(
      /config\.json is not an ablation table \(expected <outDir>\/ablation-<name>\.json/,
    );
    writeFileSync(join(outDir, 'ablation-x.json'), '{"variant": 1}');
    expect(() => readAblation(join(outDir, 'ablation-x.json'))).toThrow(
      /ablation-x\.json is not an ablation table: expected a JSON array of rows with a "variant" field/,
    );
    writeFileSync(join(outDir, 'ablation-y.json'), '[');
    expect(() => readAblation(join(outDir, 'ablation-y.json'))).toThrow(/ablation-y\.json cannot be read as JSON/);
  });
});
