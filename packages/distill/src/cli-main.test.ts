import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerWith, startTestOllama } from '../test/ollama-test-server.js';
import { runCli } from './cli-main.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } } };
}
const dir = mkdtempSync(join(tmpdir(), 'distill-cli-'));
const input = join(dir, 'reports.csv');
writeFileSync(input, 'study_id,findings,impression,img_path\ns1,Small right effusion.,No pneumothorax.,a.jpg\ns2,Mild cardiomegaly.,,b.jpg\n');

describe('runCli', () => {
  it('announces and runs the offline distiller without a host', async () => {
    const { err, io: streams } = io();
    const csv = join(dir, 'offline.csv');
    expect(await runCli(['--input', input, '--out-csv', csv], streams)).toBe(0);
    expect(err.join('')).toContain('OFFLINE with the rule-based distiller');
    expect(readFileSync(csv, 'utf8')).toBe(
      'img_path,report,llm_output,id\na.jpg,Small right effusion. No pneumothorax.,small right effusion. no pneumothorax.,s1\nb.jpg,Mild cardiomegaly.,mild cardiomegaly.,s2\n',
    );
  });
  it('distils through Ollama, writes outputs and exits 3 when a report failed', async () => {
    const server = await startTestOllama((req) =>
      req.report.includes('cardiomegaly') ? { kind: 'status', status: 500 } : { kind: 'content', content: answerWith('effusion') },
    );
    try {
      const { err, io: streams } = io();
      const jsonl = join(dir, 'llm.jsonl');
      const code = await runCli(
        [
          '--input',
          input,
          '--host',
          server.url,
          '--model',
          'test-model',
          '--out-jsonl',
          jsonl,
          '--max-attempts',
          '2',
          '--backoff',
          '0.01',
          '--bench-after',
          '9',
        ],
        streams,
      );
      expect(code).toBe(3);
      const rows = readFileSync(jsonl, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.map((r) => [r.id, r.status, r.context])).toEqual([
        ['s1', 'done', 'effusion.'],
        ['s2', 'failed', ''],
      ]);
      expect(err.join('')).toContain('2 reports: 1 distilled, 0 cached, 1 failed (http-500 1)');
      expect(readFileSync(join(dir, 'distill-journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
  it('skips and counts reports over --max-report-chars, and names a repeated id', async () => {
    const { err, io: streams } = io();
    const long = join(dir, 'long.csv');
    writeFileSync(long, `uid,findings,impression\n1,Small effusion.,\n2,${'Clear lungs. '.repeat(20)},\n`);
    const jsonl = join(dir, 'long.jsonl');
    expect(await runCli(['--input', long, '--out-jsonl', jsonl, '--max-report-chars', '100'], streams)).toBe(0);
    expect(err.join('')).toContain('WARNING skipped 1 report(s) longer than --max-report-chars 100 characters');
    expect(err.join('')).toContain('2 reports: 1 distilled');
    expect(
      readFileSync(jsonl, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
    ).toEqual(['done', 'skipped']);
    const dup = join(dir, 'dup.csv');
    writeFileSync(dup, 'uid,findings,impression\n1,a,\n1,b,\n');
    const b = io();
    expect(await runCli(['--input', dup, '--out-jsonl', join(dir, 'dup.jsonl')], b.io)).toBe(1);
    expect(b.err.join('')).toMatch(/dup\.csv:3: duplicate id "1"/);
    const c = io();
    expect(await runCli(['--input', dup, '--out-jsonl', join(dir, 'dup.jsonl'), '--allow-duplicate-ids'], c.io)).toBe(0);
  });
  it('reports bad arguments and bad input with exit 1', async () => {
    const a = io();
    expect(await runCli(['--input'], a.io)).toBe(1);
    const b = io();
    expect(await runCli(['--input', join(dir, 'missing.csv'), '--out-csv', join(dir, 'x.csv')], b.io)).toBe(1);
    expect(b.err.join('')).toContain('missing.csv');
  });
});
