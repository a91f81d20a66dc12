import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evidenceFolder, handMadeRun } from '../../test/report-fixtures.js';
import type { Logger } from '../run/logger.js';
import { RunFolderError } from './read-run.js';
import { reportAfterRun, reportKind, writeReport } from './write.js';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), progress: () => undefined };
}

describe('writeReport', () => {
  it('recognises run folders, ablation tables and evidence folders', () => {
    const { outDir, dir } = handMadeRun();
    expect(reportKind(dir)).toBe('run');
    expect(reportKind(join(outDir, 'ablation-base.json'))).toBe('ablation');
    expect(reportKind(evidenceFolder())).toBe('evidence');
    expect(() => reportKind(join(dir, 'config.json'))).toThrow(/config\.json is a file; give a run folder/);
    expect(() => reportKind(join(dir, 'nothing'))).toThrow(RunFolderError);
  });

  it('writes report.html into the run folder atomically (no temp file left), or where asked', async () => {
    const { outDir, dir } = handMadeRun();
    const r = await writeReport(dir, { attention: false });
    expect(r).toEqual({ kind: 'run', path: join(dir, 'report.html'), bytes: expect.any(Number) });
    expect(readFileSync(r.path, 'utf8')).toMatch(/^<!doctype html>[\s\S]*ECAMP run report: base-fusion[\s\S]*<\/html>\n$/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const other = join(outDir, 'elsewhere.html');
    expect((await writeReport(dir, { attention: false, out: other })).path).toBe(other);
    const a = await writeReport(join(outDir, 'ablation-base.json'));
    expect(a.path).toBe(join(outDir, 'ablation-base.html'));
    const ev = evidenceFolder();
    expect((await writeReport(ev)).path).toBe(join(ev, 'report.html'));
  });

  it('computes the attention panel unless told not to, and reports a run whose panel fails', async () => {
    const { dir } = handMadeRun();
    // The hand-made config is not a valid configuration: the panel says so, the report is still written.
    await writeReport(dir);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(
      'No attention picture for this run: its config.json does not fit this version&#39;s schema',
    );
  });
});

describe('reportAfterRun (end-of-run hook)', () => {
  it('logs where the report is, and a failure only as a warning', async () => {
    const { dir } = handMadeRun();
    const log = recorder();
    expect(await reportAfterRun(dir, log, { attention: false })).toBe(join(dir, 'report.html'));
    expect(log.lines).toEqual([expect.stringMatching(/^info report: .*report\.html \(\d+\.\d MB; open it in a browser\)$/)]);
    const bad = recorder();
    expect(await reportAfterRun(join(dir, 'missing'), bad)).toBeUndefined();
    expect(bad.lines).toEqual([expect.stringMatching(/^warn report: not written for .*missing: .*missing does not exist$/)]);
    writeFileSync(join(dir, 'x.json'), '{}');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });
});
