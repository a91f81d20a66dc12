import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../test/cli-fixtures.js';
import { handMadeRun } from '../../test/report-fixtures.js';

describe('ecamp report', () => {
  it('writes the report of a run folder and prints its path', async () => {
    const { dir } = handMadeRun();
    const r = await cli(['report', dir, '--no-attention', '--max-pictures', '2']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${join(dir, 'report.html')}\n`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('2 of 3 pictures shown');
    const other = join(dir, 'r.html');
    expect((await cli(['report', dir, '--no-attention', '-o', other])).code).toBe(0);
    expect(existsSync(other)).toBe(true);
  });

  it('writes the ablation report next to the ablation table', async () => {
    const { outDir } = handMadeRun();
    const r = await cli(['report', join(outDir, 'ablation-base.json')]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(join(outDir, 'ablation-base.html'));
  });

  it('fails with exit code 2 and a message naming the input', async () => {
    const { dir } = handMadeRun();
    const missing = await cli(['report', join(dir, 'nope'), '--no-attention']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^ecamp report: .*nope does not exist\n$/);
    const file = await cli(['report', join(dir, 'config.json'), '--no-attention']);
    expect(file.code).toBe(2);
    expect(file.err).toMatch(/config\.json is a file; give a run folder/);
    const none = await cli(['report']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/expected exactly one run folder, ablation table or evidence folder, got 0/);
    const bad = await cli(['report', dir, '--max-pictures', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--max-pictures: expected a positive integer, got 'lots'/);
  });
});
