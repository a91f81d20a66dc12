/**
 * The configuration fuzz corpus (config-corpus.ts), written from a seed into
 * a temporary folder and run case by case in a worker under a per-case time
 * limit: every wrong type of every field, in JSON, YAML and --set, must be a
 * ConfigError naming the file, the field and its line (or the --set); every
 * control value must load; broken files must give their error; the trainer's
 * data inputs must give their records and skip counts or error. No crash, no
 * hang. Prints the corpus size and the results table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIsolated, type IsolatedOutcome } from '@ecamp/vitest-preset/isolated';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaFields, wrongValues, writeConfigCorpus, type ConfigCase } from './config-corpus.js';
import type { ConfigObservation } from './run-config-case.js';

const root = mkdtempSync(join(tmpdir(), 'ecamp-config-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CRASH = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/** null when the run gave what the case expects, else what differed. Also the outcome word for the table. */
function judge(c: ConfigCase, run: IsolatedOutcome<ConfigObservation>): { outcome: string; problem: string | null } {
  if (run.status === 'timeout') return { outcome: 'HANG', problem: 'no answer within the time limit' };
  if (run.status !== 'ok') return { outcome: 'CRASH', problem: `${run.status}: ${run.error.message}` };
  const o = run.value;
  const e = c.expect;
  if (o.error) {
    if (CRASH.has(o.error.name)) return { outcome: 'CRASH', problem: `${o.error.name}: ${o.error.message}` };
    if (e.kind !== 'error') return { outcome: 'error', problem: `unexpected error: ${o.error.message}` };
    const miss = e.patterns.find((p) => !p.test(o.error!.message));
    return { outcome: 'error', problem: miss ? `${JSON.stringify(o.error.message)} does not match ${miss}` : null };
  }
  if (e.kind === 'error')
    return { outcome: 'loaded', problem: `expected an error matching ${e.patterns.join(' and ')}, got ${JSON.stringify(o).slice(0, 200)}` };
  if (e.kind === 'object')
    return {
      outcome: 'loaded',
      problem: typeof o.value === 'object' && o.value !== null && !Array.isArray(o.value) ? null : `value ${JSON.stringify(o.value)} is not an object`,
    };
  if (e.kind === 'value')
    return {
      outcome: 'loaded',
      problem: JSON.stringify(o.value) === JSON.stringify(e.value) ? null : `value ${JSON.stringify(o.value)}, expected ${JSON.stringify(e.value)}`,
    };
  const same =
    JSON.stringify(o.records) === JSON.stringify(e.records) &&
    JSON.stringify(Object.entries(o.skips ?? {}).sort()) === JSON.stringify(Object.entries(e.skips).sort());
  return {
    outcome: Object.keys(o.skips ?? {}).length ? 'skipped' : 'loaded',
    problem: same
      ? null
      : `records ${JSON.stringify(o.records)} skips ${JSON.stringify(o.skips)}, expected ${JSON.stringify(e.records)} ${JSON.stringify(e.skips)}`,
  };
}

describe('configuration fuzz corpus', () => {
  it('every wrong type of every field names file, field and line; controls load; no crash, no hang', async () => {
    const corpus = await writeConfigCorpus(root, 1);
    const fields = schemaFields();
    console.log(
      `config fuzz corpus (seed 1): ${corpus.cases.length} cases over ${fields.length} schema fields, ${corpus.files} files, ${(corpus.bytes / 1024).toFixed(0)} KB`,
    );
    const runs = await runIsolated<{ root: string; op: ConfigCase['op'] }, ConfigObservation>(
      corpus.cases.map((c) => ({ root, op: c.op })),
      { entry: new URL('./run-config-case.ts', import.meta.url).href, timeoutMs: 30_000, execArgv: ['--conditions=source'] },
    );
    const verdicts = corpus.cases.map((c, k) => ({ c, ...judge(c, runs[k]), ms: runs[k].ms }));
    // The table: one row per field (its wrong values and control) and per group of file cases.
    const groups = new Map<string, typeof verdicts>();
    for (const v of verdicts) groups.set(v.c.group, [...(groups.get(v.c.group) ?? []), v]);
    const kindOf = new Map(fields.map((f) => [f.path.join('.'), f.kind.type]));
    const table = ['| field or group | kind | cases | outcomes | as expected |', '|---|---|---|---|---|'];
    for (const [g, vs] of groups) {
      const counts: Record<string, number> = {};
      for (const v of vs) counts[v.outcome] = (counts[v.outcome] ?? 0) + 1;
      table.push(
        `| ${g} | ${kindOf.get(g) ?? 'file'} | ${vs.length} | ${Object.entries(counts)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')} | ${vs.filter((v) => !v.problem).length}/${vs.length} |`,
      );
    }
    console.log(table.join('\n'));
    for (const v of verdicts.filter((x) => x.c.group.includes('/') || !kindOf.has(x.c.group)))
      console.log(`  ${v.c.id}: ${v.outcome}${v.problem ? ` ✗ ${v.problem}` : ''}`);
    const crashes = verdicts.filter((v) => v.outcome === 'CRASH').length;
    const hangs = verdicts.filter((v) => v.outcome === 'HANG').length;
    const slowest = Math.max(...verdicts.map((v) => v.ms));
    console.log(
      `${verdicts.length} cases: ${verdicts.filter((v) => !v.problem).length} as expected, ${crashes} crashes, ${hangs} hangs; slowest ${slowest.toFixed(0)} ms`,
    );
    expect(verdicts.filter((v) => v.problem).map((v) => `${v.c.id}: ${v.problem}`)).toEqual([]);
    expect([crashes, hangs]).toEqual([0, 0]);
    // Every field of the schema got every wrong value of its kind in at least one file.
    for (const f of fields) expect(groups.get(f.path.join('.'))?.length, f.path.join('.')).toBeGreaterThan(wrongValues(f.kind).length);
  });
});
