import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP, main } from './synth.js';

describe('ecamp-synth CLI', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('prints help and rejects bad arguments', async () => {
    let text = '';
    expect(await main(['--help'], (s) => (text += s))).toBe(0);
    expect(text).toBe(HELP);
    expect(HELP).toMatch(/--out <dir>/);
    await expect(main(['--n', '3'], () => {})).rejects.toThrow(/--out is required/);
    await expect(main(['--out', '/tmp/x', '--n', 'many'], () => {})).rejects.toThrow(/--n: expected an integer, got "many"/);
    await expect(main(['--bogus'], () => {})).rejects.toThrow(/bogus/);
  });

  it('writes a data set and a sheet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecamp-cli-'));
    dirs.push(dir);
    let text = '';
    const code = await main(
      ['--out', join(dir, 'set'), '-n', '3', '--seed', '5', '--size', '448', '--sheet', join(dir, 'sheet.png'), '--sheet-count', '2'],
      (s) => (text += s),
    );
    expect(code).toBe(0);
    expect(text).toMatch(/wrote 3 images/);
    const manifest = JSON.parse(await readFile(join(dir, 'set', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ seed: 5, n: 3, size: 448 });
    expect((await stat(join(dir, 'sheet.png'))).size).toBeGreaterThan(1000);
  });
});
