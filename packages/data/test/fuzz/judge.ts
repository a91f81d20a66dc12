/**
 * Judging fuzz runs: does what a case gave under a policy match what it must
 * give, and a one-line outcome for the results table (crash and hang named as
 * such).
 */
import { join } from 'node:path';
import type { IsolatedOutcome } from '@ecamp/vitest-preset/isolated';
import type { OnBadSample } from '../../src/readers/bad-samples.js';
import type { BadAt, ErrorAt, Expected, FuzzCase, Observation } from './types.js';

/** The verdict on one run. */
export interface Verdict {
  /** Whether the run gave exactly what the case expects. */
  pass: boolean;
  /** `ok`, `skipped`, `error`, `CRASH` or `HANG`. */
  kind: 'ok' | 'skipped' | 'error' | 'CRASH' | 'HANG';
  /** One line for the table. */
  outcome: string;
  /** What differed, when it did not pass. */
  problem?: string;
}

/** The expectation of a case under a policy. */
export function expectationFor(c: FuzzCase, policy: OnBadSample): Expected {
  return 'kind' in c.expect ? c.expect : c.expect[policy];
}

/** `<root>/cases/<id>/<file>[:line][ (field "f")]` — the same shape as formatWhere. */
function where(root: string, c: FuzzCase, at: ErrorAt | BadAt): string {
  return `${join(root, 'cases', c.id, at.file)}${at.line !== undefined ? `:${at.line}` : ''}${at.field ? ` (field "${at.field}")` : ''}`;
}

/** A programmer's error (not a message written for the user): counted as a crash. */
const CRASH_NAMES = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'InternalError']);

function errorMatches(root: string, c: FuzzCase, message: string, at: ErrorAt | undefined, re: RegExp): string | null {
  let rest = message;
  if (at) {
    const prefix = where(root, c, at);
    if (!message.startsWith(prefix)) return `error does not start with ${prefix}: ${message.slice(0, 200)}`;
    rest = message.slice(prefix.length);
    if (rest.startsWith(': ')) rest = rest.slice(2);
  }
  return re.test(rest) ? null : `error ${JSON.stringify(rest.slice(0, 200))} does not match ${re}`;
}

function badMatches(root: string, c: FuzzCase, text: string, bad: BadAt): string | null {
  const prefix = `${where(root, c, bad)}: ${bad.reason}: `;
  if (!text.startsWith(prefix)) return `expected ${prefix}…, got ${text.slice(0, 200)}`;
  const detail = text.slice(prefix.length);
  return bad.detail.test(detail) ? null : `detail ${JSON.stringify(detail.slice(0, 200))} does not match ${bad.detail}`;
}

function summarise(o: Observation): string {
  const skips = Object.entries(o.skips ?? {});
  const total = skips.reduce((s, [, n]) => s + n, 0);
  const kept = `${o.records?.length ?? 0} record${o.records?.length === 1 ? '' : 's'}`;
  return total ? `skipped ${total} (${skips.map(([r, n]) => `${r} ${n}`).join(', ')}), kept ${kept}` : `ok, ${kept}`;
}

/** Judges one run of case `c` under `policy` against its expectation. */
export function judge(root: string, c: FuzzCase, policy: OnBadSample, run: IsolatedOutcome<Observation>): Verdict {
  if (run.status === 'timeout') return { pass: false, kind: 'HANG', outcome: `HANG (no answer within the time limit)`, problem: 'timed out' };
  if (run.status !== 'ok')
    return { pass: false, kind: 'CRASH', outcome: `CRASH ${run.error.name}: ${run.error.message}`, problem: `worker ${run.status}: ${run.error.message}` };
  const o = run.value;
  const exp = expectationFor(c, policy);
  const rel = (m: string) =>
    m
      .split(join(root, 'cases', c.id) + '/')
      .join('')
      .split(`${root}/`)
      .join('');
  if (o.error) {
    const crash = CRASH_NAMES.has(o.error.name);
    const outcome = `${crash ? `CRASH ${o.error.name}` : 'error'}: ${rel(o.error.message)}`;
    let problem: string | null = crash ? `a ${o.error.name}, not an error message for the user` : null;
    if (!problem && exp.kind === 'error') problem = errorMatches(root, c, o.error.message, exp.at, exp.message);
    if (!problem && exp.kind === 'records') {
      if (policy === 'skip' || exp.bad.length === 0) problem = `expected records, got an error: ${o.error.message.slice(0, 200)}`;
      else problem = badMatches(root, c, o.error.message, exp.bad[0]);
    }
    return { pass: !problem, kind: crash ? 'CRASH' : 'error', outcome, problem: problem ?? undefined };
  }
  const outcome = summarise(o);
  const kind = Object.keys(o.skips ?? {}).length ? 'skipped' : 'ok';
  const fail = (problem: string): Verdict => ({ pass: false, kind, outcome, problem });
  if (exp.kind === 'error') return fail(`expected an error matching ${exp.message}, got ${outcome}`);
  if (policy === 'fail' && exp.bad.length > 0) return fail(`expected the error of ${exp.bad[0].reason}, got ${outcome}`);
  if (JSON.stringify(o.records) !== JSON.stringify(exp.records)) return fail(`records ${JSON.stringify(o.records)}, expected ${JSON.stringify(exp.records)}`);
  const counts: Record<string, number> = {};
  for (const b of exp.bad) counts[b.reason] = (counts[b.reason] ?? 0) + 1;
  if (JSON.stringify(Object.entries(o.skips ?? {}).sort()) !== JSON.stringify(Object.entries(counts).sort()))
    return fail(`skip counts ${JSON.stringify(o.skips)}, expected ${JSON.stringify(counts)}`);
  const lines = o.lines ?? [];
  if (lines.length !== exp.bad.length) return fail(`${lines.length} skip lines, expected ${exp.bad.length}`);
  for (let k = 0; k < lines.length; k++) {
    if (!lines[k].startsWith('[skip] ')) return fail(`skip line without [skip]: ${lines[k]}`);
    const problem = badMatches(root, c, lines[k].slice(7), exp.bad[k]);
    if (problem) return fail(`skip line ${k + 1}: ${problem}`);
  }
  if (exp.info && JSON.stringify(o.info) !== JSON.stringify(exp.info))
    return fail(`image info ${JSON.stringify(o.info)}, expected ${JSON.stringify(exp.info)}`);
  return { pass: true, kind, outcome };
}

/** Width-limited cell text. */
const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** One row of the results table. */
export interface ResultRow {
  c: FuzzCase;
  skip: Verdict;
  fail: Verdict;
  ms: number;
}

/** The results table (Markdown): case → outcome under `skip` and under `fail`. */
export function resultsTable(rows: ResultRow[], width = 110): string {
  const out = ['| case | input | onBadSample=skip | onBadSample=fail | ms |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const mark = (v: Verdict) => `${v.pass ? '' : '✗ '}${cell(v.outcome, width)}`;
    out.push(`| ${r.c.id} | ${cell(r.c.what, 70)} | ${mark(r.skip)} | ${mark(r.fail)} | ${Math.round(r.ms)} |`);
  }
  return out.join('\n');
}

/** Counts for the closing line: cases, runs, passes, crashes, hangs, and records lost. */
export function totals(rows: ResultRow[]): { cases: number; runs: number; passed: number; crashes: number; hangs: number; byKind: Record<string, number> } {
  const verdicts = rows.flatMap((r) => [r.skip, r.fail]);
  const byKind: Record<string, number> = {};
  for (const v of verdicts) byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
  return {
    cases: rows.length,
    runs: verdicts.length,
    passed: verdicts.filter((v) => v.pass).length,
    crashes: byKind.CRASH ?? 0,
    hangs: byKind.HANG ?? 0,
    byKind,
  };
}
