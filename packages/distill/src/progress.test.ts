import { describe, expect, it } from 'vitest';
import { Progress, formatDuration, formatSummary } from './progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (t: string) => out.push(t) } };
}

describe('progress', () => {
  it('formats durations and summaries', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Infinity)).toBe('?');
    expect(formatSummary({ total: 10, done: 6, cached: 2, failed: 2, failedByReason: { timeout: 1, 'invalid-json': 1 }, interrupted: false })).toBe(
      '10 reports: 6 distilled, 2 cached, 2 failed (timeout 1, invalid-json 1)',
    );
  });
  it('draws a bar with rate and ETA on a terminal', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const p = new Progress({ total: 10, stream, now: () => t, intervalMs: 0 });
    t = 2000;
    p.onEvent({ type: 'cached', id: 'a' });
    p.onEvent({ type: 'done', id: 'b', host: 'h', attempts: 1 });
    p.onEvent({ type: 'done', id: 'c', host: 'h', attempts: 1 });
    expect(out.at(-1)).toContain('[#########.....................] 3/10 30.0% 1.00/s ETA 7s (cached 1, failed 0)');
    p.onEvent({ type: 'benched', host: 'http://x', ms: 30_000, reason: 'timeout' });
    expect(out.at(-3)).toBe('\r\x1b[2K');
    expect(out.at(-2)).toBe('host http://x benched for 30s after repeated timeout\n');
  });
  it('writes plain, throttled lines elsewhere', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const p = new Progress({ total: 4, stream, now: () => t, intervalMs: 10_000 });
    p.onEvent({ type: 'done', id: 'a', host: 'h', attempts: 1 });
    t = 1000;
    p.onEvent({ type: 'done', id: 'b', host: 'h', attempts: 1 });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^progress 1\/4 25\.0%/);
    expect(out.every((l) => !l.includes('\r'))).toBe(true);
    p.finish({ total: 4, done: 2, cached: 0, failed: 0, failedByReason: {}, interrupted: true });
    expect(out.at(-1)).toBe('4 reports: 2 distilled, 0 cached, 0 failed, INTERRUPTED in 1s\n');
  });
});
