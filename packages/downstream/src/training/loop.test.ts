import { describe, expect, it } from 'vitest';
import { runTrainingLoop } from './loop.js';

describe('runTrainingLoop', () => {
  it('runs every batch of every epoch, counts skipped steps and releases each batch', async () => {
    const released: string[] = [];
    const seen: string[] = [];
    const r = await runTrainingLoop({
      epochs: 2,
      batchesOf: (e) => [`${e}a`, `${e}b`],
      step: (b, step) => (seen.push(`${b}@${step}`), { loss: step, applied: b !== '1a' }),
      release: (b) => released.push(b),
      optimiser: { dispose: () => undefined },
    });
    expect(seen).toEqual(['0a@0', '0b@1', '1a@2', '1b@3']);
    expect(released).toEqual(['0a', '0b', '1a', '1b']);
    expect(r).toEqual({ steps: 3, skipped: 1, epochsRun: 2, losses: [0, 1, 2, 3] });
  });

  it('stops early on the epoch hook', async () => {
    const r = await runTrainingLoop({
      epochs: 5,
      batchesOf: () => [1],
      step: () => ({ loss: 0, applied: true }),
      onEpochEnd: (e) => (e === 1 ? 'stop' : undefined),
      optimiser: { dispose: () => undefined },
    });
    expect(r.epochsRun).toBe(2);
  });

  it('frees the optimiser and releases the batch when a step throws', async () => {
    let disposed = false;
    const released: number[] = [];
    await expect(
      runTrainingLoop({
        epochs: 1,
        batchesOf: async function* () {
          yield 7;
        },
        step: () => {
          throw new Error('boom');
        },
        release: (b) => released.push(b),
        optimiser: { dispose: () => (disposed = true) },
      }),
    ).rejects.toThrow('boom');
    expect(disposed).toBe(true);
    expect(released).toEqual([7]);
  });
});
