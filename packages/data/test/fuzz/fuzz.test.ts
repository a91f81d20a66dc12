/**
 * The fuzz corpus (see corpus.ts), written from a seed into a temporary
 * folder and run case by case in a worker under a per-run time limit, under
 * onBadSample=skip and =fail. Every run must give exactly what its case
 * expects — the records (in order: none lost), the bad samples counted and
 * logged naming file, line and field, or the error naming them — with no
 * crash and no hang. Prints the corpus size and the results table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIsolated } from '@ecamp/vitest-preset/isolated';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCorpus } from './corpus.js';
import { resultsTable, totals } from './judge.js';
import { runCorpus } from './run-corpus.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ecamp-fuzz-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('fuzz corpus', () => {
  it('every case gives exactly its expected outcome under skip and fail: 0 crashes, 0 hangs, 0 records lost', async () => {
    const root = tmp();
    const corpus = await writeCorpus(root, 1);
    const groups: Record<string, number> = {};
    for (const c of corpus.cases) groups[c.id.split('/')[0]] = (groups[c.id.split('/')[0]] ?? 0) + 1;
    console.log(
      `fuzz corpus (seed 1): ${corpus.cases.length} cases (${Object.entries(groups)
        .map(([g, n]) => `${g} ${n}`)
        .join(', ')}), ${corpus.files} files, ${(corpus.bytes / 1024).toFixed(0)} KB`,
    );
    const rows = await runCorpus(root, corpus.cases);
    console.log(resultsTable(rows, 90));
    const t = totals(rows);
    console.log(
      `${t.cases} cases × 2 policies = ${t.runs} runs: ${t.passed} as expected, ${t.crashes} crashes, ${t.hangs} hangs; outcomes ${JSON.stringify(t.byKind)}`,
    );
    const failures = rows
      .flatMap(
        (r) =>
          [
            ['skip', r.skip],
            ['fail', r.fail],
          ] as const,
      )
      .filter(([, v]) => !v.pass);
    expect(failures.map(([p, v]) => `${p}: ${v.outcome} — ${v.problem}`)).toEqual([]);
    expect([t.crashes, t.hangs, t.passed]).toEqual([0, 0, 2 * corpus.cases.length]);
    // The corpus covers what issue 11 lists.
    for (const g of ['png', 'png16', 'jpeg', 'dicom', 'loader', 'report', 'csv', 'windows', 'iu', 'mimic', 'ffa', 'list', 'siim', 'boxes', 'masks'])
      expect(groups[g], g).toBeGreaterThan(0);
    expect(corpus.cases.length).toBeGreaterThanOrEqual(100);
  });

  it('is deterministic: the same seed writes the same bytes, another seed other bytes', async () => {
    const [a, b, c] = await Promise.all([writeCorpus(tmp(), 1), writeCorpus(tmp(), 1), writeCorpus(tmp(), 2)]);
    expect(a.digest).toBe(b.digest);
    expect([a.files, a.bytes]).toEqual([b.files, b.bytes]);
    expect(c.digest).not.toBe(a.digest);
    expect(c.cases.map((x) => x.id)).toEqual(a.cases.map((x) => x.id));
  });
});

describe('runIsolated (the harness)', () => {
  it('records a hang as a timeout, a throw, an exit and an out-of-memory as such, and runs the next case in a fresh worker', async () => {
    const entry = new URL('./probe.ts', import.meta.url).href;
    const runs = await runIsolated<{ do: string; n?: number }, unknown>(
      [{ do: 'ok', n: 1 }, { do: 'loop' }, { do: 'ok', n: 2 }, { do: 'throw' }, { do: 'exit' }, { do: 'ok', n: 3 }, { do: 'oom' }, { do: 'ok', n: 4 }],
      { entry, timeoutMs: 1500, maxOldGenerationSizeMb: 64 },
    );
    expect(runs.map((r) => r.status)).toEqual(['ok', 'timeout', 'ok', 'threw', 'crashed', 'ok', 'crashed', 'ok']);
    expect(runs.filter((r) => r.status === 'ok').map((r) => (r as { value: { n: number } }).value.n)).toEqual([1, 2, 3, 4]);
    // The deadline timer and performance.now() are different clocks: the timer may fire a few ms early (1499.6 ms seen).
    expect(runs[1].ms).toBeGreaterThanOrEqual(1490);
    expect(runs[3]).toMatchObject({ error: { name: 'RangeError', message: 'thrown on purpose' } });
    expect(runs[4]).toMatchObject({ error: { message: 'worker exited with code 3' } });
    expect(runs[6]).toMatchObject({ error: { name: 'Error', message: expect.stringMatching(/out of memory|ERR_WORKER_OUT_OF_MEMORY/i) } });
  });
});
