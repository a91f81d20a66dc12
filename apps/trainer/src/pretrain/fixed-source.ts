import { Rng } from '@ecamp/core';
import type { PretrainBatchSource, RawPretrainBatch } from './batch-source.js';

/**
 * A batch source over in-memory examples, cycling in order: for tests, the
 * benchmark and smoke runs that need no files.
 */
export class FixedBatchSource implements PretrainBatchSource {
  private index = 0;

  constructor(
    private readonly examples: { id: string; report: string; context?: string; view448: Float32Array }[],
    private readonly batchSize: number,
  ) {
    if (examples.length === 0) throw new Error('FixedBatchSource: no examples');
  }

  /** Random-pixel examples with the given reports (pixels ~ N(0, 1), like normalised images). */
  static random(reports: string[], batchSize: number, seed = 0): FixedBatchSource {
    const rng = new Rng(seed);
    return new FixedBatchSource(
      reports.map((report, n) => {
        const view448 = new Float32Array(448 * 448 * 3);
        for (let k = 0; k < view448.length; k++) view448[k] = rng.normal(0, 1);
        return { id: `random-${n}`, report, view448 };
      }),
      batchSize,
    );
  }

  async next(): Promise<RawPretrainBatch> {
    const b = this.batchSize;
    const view448 = new Float32Array(b * 448 * 448 * 3);
    const picked = Array.from({ length: b }, () => this.examples[this.index++ % this.examples.length]);
    picked.forEach((e, n) => view448.set(e.view448, n * e.view448.length));
    return { view448, size: b, ids: picked.map((e) => e.id), reports: picked.map((e) => e.report), contexts: picked.map((e) => e.context) };
  }

  state(): unknown {
    return { index: this.index };
  }

  restore(state: unknown): void {
    const index = (state as { index?: unknown } | null)?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0)
      throw new Error(`FixedBatchSource: expected { index }, got ${JSON.stringify(state)}`);
    this.index = index;
  }

  skipped(): Record<string, number> {
    return {};
  }

  async close(): Promise<void> {}
}
