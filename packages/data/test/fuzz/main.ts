/**
 * Writes the fuzz corpus and prints its size and the results table:
 *
 *   pnpm --filter @ecamp/data fuzz [-- --seed 1 --out <folder> --keep --timeout 20000]
 *
 * Without --out the corpus goes to a temporary folder, removed afterwards
 * unless --keep. Exits 1 when any run does not give what its case expects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeCorpus } from './corpus.js';
import { resultsTable, totals } from './judge.js';
import { runCorpus } from './run-corpus.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '20000' },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const root = values.out ? resolve(values.out) : mkdtempSync(resolve(tmpdir(), 'ecamp-fuzz-'));
try {
  const t0 = performance.now();
  const corpus = await writeCorpus(root, seed);
  const t1 = performance.now();
  console.log(
    `fuzz corpus (seed ${seed}): ${corpus.cases.length} cases, ${corpus.files} files, ${(corpus.bytes / 1024).toFixed(0)} KB in ${root}; written in ${((t1 - t0) / 1000).toFixed(1)} s; sha256 ${corpus.digest.slice(0, 16)}`,
  );
  const rows = await runCorpus(root, corpus.cases, { timeoutMs: Number(values.timeout) });
  console.log(resultsTable(rows, Number(process.env.FUZZ_CELL ?? 110)));
  const t = totals(rows);
  console.log(
    `\n${t.cases} cases × 2 policies = ${t.runs} runs in ${((performance.now() - t1) / 1000).toFixed(1)} s: ${t.passed} as expected, ${t.crashes} crashes, ${t.hangs} hangs; outcomes ${JSON.stringify(t.byKind)}`,
  );
  for (const r of rows)
    for (const [p, v] of [
      ['skip', r.skip],
      ['fail', r.fail],
    ] as const)
      if (!v.pass) console.log(`✗ ${r.c.id} (${p}): ${v.problem}`);
  process.exitCode = t.passed === t.runs ? 0 : 1;
} finally {
  if (!values.out && !values.keep) rmSync(root, { recursive: true, force: true });
}
