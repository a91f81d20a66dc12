import { describe, expect, it } from 'vitest';
import { collateMlmBatch } from './collate.js';
import { prepareMlmExample } from './prepare-example.js';
import { fixtureTokenizer } from '../../test/fixture-tokenizer.js';
import { testRng } from '../../test/test-rng.js';

describe('collateMlmBatch', () => {
  const tok = fixtureTokenizer();
  const rng = testRng(1);
  const a = prepareMlmExample('No pneumothorax.', { rng, tokenizer: tok });
  const b = prepareMlmExample('Small left pleural effusion.', { rng, tokenizer: tok });

  it('stacks rows row-major', () => {
    const batch = collateMlmBatch([a, b]);
    const L = tok.maxLength;
    expect([batch.batchSize, batch.seqLength]).toEqual([2, L]);
    expect(Array.from(batch.inputIds.subarray(L, 2 * L))).toEqual(Array.from(b.inputIds));
    expect(Array.from(batch.weights.subarray(0, L))).toEqual(Array.from(a.weights));
    expect(batch.entityPositions).toEqual([a.entityPositions, b.entityPositions]);
  });

  it('names the example of the wrong length', () => {
    const c = prepareMlmExample('No effusion.', { rng, tokenizer: tok, maxLength: 8 });
    expect(() => collateMlmBatch([a, c])).toThrow(/example 1 has inputIds of length 8/);
    expect(() => collateMlmBatch([])).toThrow(/empty/);
  });
});
