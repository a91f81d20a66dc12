import { describe, expect, it } from 'vitest';
import { samplesInOrder, workersAvailable } from './pool.js';
import { synthesizeSample } from './sample.js';

describe('samplesInOrder', () => {
  it('yields the same samples in index order on worker threads as in this thread', async () => {
    const inThread = [];
    for await (const s of samplesInOrder(3, 3, 448, 1)) inThread.push(s);
    expect(inThread.map((s) => s.id)).toEqual(['synth-3-000000', 'synth-3-000001', 'synth-3-000002']);
    expect(Buffer.from(inThread[1].image).equals(Buffer.from(synthesizeSample(3, 1, { size: 448 }).image))).toBe(true);
    if (!workersAvailable()) {
      console.warn('[skip] worker-thread half: tsx cannot be registered in a worker here');
      return;
    }
    const pooled = [];
    for await (const s of samplesInOrder(3, 3, 448, 2)) pooled.push(s);
    expect(pooled.map((s) => s.id)).toEqual(inThread.map((s) => s.id));
    for (let i = 0; i < 3; i++) {
      expect(Buffer.from(pooled[i].image).equals(Buffer.from(inThread[i].image))).toBe(true);
      expect(pooled[i].report).toBe(inThread[i].report);
      expect(pooled[i].findings.map((f) => f.boxes)).toEqual(inThread[i].findings.map((f) => f.boxes));
    }
  });
});
