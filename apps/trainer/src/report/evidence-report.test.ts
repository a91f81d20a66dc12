import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evidenceFolder } from '../../test/report-fixtures.js';
import { isEvidenceFolder, readEvidenceFolder, renderEvidenceReport } from './evidence-report.js';

describe('the evidence report', () => {
  it('recognises the folder and tabulates mean ± std per row, protocol and label fraction', () => {
    const dir = evidenceFolder();
    expect(isEvidenceFolder(dir)).toBe(true);
    const e = readEvidenceFolder(dir);
    expect(e.tasks).toEqual(['probe', 'detection']);
    const html = renderEvidenceReport(e, new Date('2026-11-30T00:00:00Z'));
    expect(html).toContain('<th>linear-probe AUROC @ 1 %</th><th>linear-probe AUROC @ 10 %</th><th>detection mAP @ 1 %</th><th>detection mAP @ 10 %</th>');
    expect(html).toContain('<tr><td>random init</td><td>0.567 ± 0.011</td><td>0.663 ± 0.004</td><td>–</td><td>0.009 ± 0.005</td></tr>');
    expect(html).toContain('<td>MIM only</td><td>0.584 (n=1)</td>');
    expect(html).toContain('7 cells measured in 3 min 06 s');
    expect(html).toMatch(/<img class="chart" src="data:image\/svg\+xml;base64,/);
  });

  it('is not fooled by other folders and names a broken results file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecamp-evidence-'));
    expect(isEvidenceFolder(dir)).toBe(false);
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'results.json'), '{"grid": {}}');
    expect(isEvidenceFolder(join(dir, 'x'))).toBe(false);
    expect(() => readEvidenceFolder(join(dir, 'x'))).toThrow(/results\.json has no "grid\.rows" or "aggregates": not an evidence results file/);
    writeFileSync(join(dir, 'x', 'results.json'), '{');
    expect(() => readEvidenceFolder(join(dir, 'x'))).toThrow(/results\.json cannot be read as JSON/);
  });
});
