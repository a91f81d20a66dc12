import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, type JournalRecord } from './journal.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-journal-'));
const rec = (key: string, status: 'done' | 'failed' = 'done'): JournalRecord => ({
  key,
  id: key,
  status,
  model: 'm',
  promptVersion: 'v',
  attempts: 1,
  at: '2026-01-01T00:00:00.000Z',
  ...(status === 'done' ? { context: `ctx ${key}` } : { reason: 'timeout' }),
});

describe('Journal', () => {
  it('persists appended records across reopen, latest record per key wins', () => {
    const p = join(dir, 'a.jsonl');
    const j = Journal.open(p);
    j.append(rec('k1', 'failed'));
    j.append(rec('k2'));
    j.append(rec('k1'));
    j.close();
    const again = Journal.open(p);
    expect(again.size).toBe(2);
    expect(again.get('k1')?.status).toBe('done');
    expect(again.truncatedBytes).toBe(0);
    again.close();
  });
  it('cuts off a torn last line and keeps appending cleanly', () => {
    const p = join(dir, 'torn.jsonl');
    const j = Journal.open(p);
    j.append(rec('a'));
    j.close();
    appendFileSync(p, '{"key":"b","id":"b","sta');
    const again = Journal.open(p);
    expect(again.truncatedBytes).toBeGreaterThan(0);
    expect(again.get('b')).toBeUndefined();
    again.append(rec('c'));
    again.close();
    const lines = readFileSync(p, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).key)).toEqual(['a', 'c']);
  });
  it('reads records spanning read chunks', () => {
    const p = join(dir, 'big.jsonl');
    const j = Journal.open(p);
    const long = 'x'.repeat(700_000);
    for (let i = 0; i < 4; i++) j.append({ ...rec(`k${i}`), context: long });
    j.close();
    const again = Journal.open(p);
    expect(again.size).toBe(4);
    expect(again.get('k3')?.context).toHaveLength(700_000);
    again.close();
  });
  it('names file and line of a corrupt complete record', () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, `${JSON.stringify(rec('a'))}\nnot json\n${JSON.stringify(rec('b'))}\n`);
    expect(() => Journal.open(p)).toThrow(`${p}:2`);
    const q = join(dir, 'bad2.jsonl');
    writeFileSync(q, '{"key":"a"}\n');
    expect(() => Journal.open(q)).toThrow(`${q}:1`);
  });
  it('keeps a second writer out and takes over a stale lock', () => {
    const p = join(dir, 'locked.jsonl');
    const j = Journal.open(p);
    expect(() => Journal.open(p)).toThrow('already open in this process');
    writeFileSync(`${p}.lock`, '1'); // pid 1 is always alive
    expect(() => Journal.open(p)).toThrow('in use by process 1');
    j.close();
    writeFileSync(`${p}.lock`, '999999999'); // no such process: left behind by kill -9
    const again = Journal.open(p);
    expect(readFileSync(`${p}.lock`, 'utf8')).toBe(String(process.pid));
    again.close();
    expect(existsSync(`${p}.lock`)).toBe(false);
  });
});
