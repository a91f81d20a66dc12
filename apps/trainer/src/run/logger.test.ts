import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream };
}

describe('createLogger', () => {
  it('prints plain progress lines with rate-based ETA off a terminal', () => {
    const { chunks, stream } = fakeStream(false);
    let t = 0;
    const log = createLogger('pretrain', stream, () => t);
    t = 10_000; // 10 s for 5 of 20 steps → 30 s left
    log.progress(5, 20, 'loss 1.0');
    expect(chunks.join('')).toBe('[pretrain] #####............... 5/20 (25%) loss 1.0  eta 30s\n');
  });

  it('redraws in place on a terminal and ends the line before other messages', () => {
    const { chunks, stream } = fakeStream(true);
    let t = 0;
    const log = createLogger('x', stream, () => t);
    t = 1000;
    log.progress(1, 4, 'a');
    log.info('hello');
    expect(chunks[0].startsWith('\r\x1b[2K[x] ')).toBe(true);
    expect(chunks.slice(1)).toEqual(['\n', '[x] hello\n']);
  });
});
