import { describe, expect, it } from 'vitest';
import { entityAttentionMap } from './entity-map.js';

/** Builds [H, L, M] attention where every (h, l) row puts `hot` mass on token `hotToken[l]`, the rest spread evenly. */
function attention(H: number, L: number, M: number, hotToken: (h: number, l: number) => number, hot = 0.5): Float32Array {
  const a = new Float32Array(H * L * M);
  for (let h = 0; h < H; h++) {
    for (let l = 0; l < L; l++) {
      for (let m = 0; m < M; m++) a[(h * L + l) * M + m] = (1 - hot) / M;
      a[(h * L + l) * M + hotToken(h, l)] += hot;
    }
  }
  return a;
}

describe('entityAttentionMap', () => {
  it('sums over entity tokens only and averages over heads', () => {
    const H = 2,
      L = 3,
      M = 196;
    // Token 1 is the entity: head 0 looks at cell 20, head 1 at cell 30. Non-entity rows look at cell 0.
    const data = attention(H, L, M, (h, l) => (l === 1 ? (h === 0 ? 20 : 30) : 0));
    const map = entityAttentionMap({ data, heads: H, textLength: L, patches: M }, [0, 1, 0])!;
    expect(map[20]).toBeCloseTo(0.25 + 0.5 / 196, 6);
    expect(map[30]).toBeCloseTo(0.25 + 0.5 / 196, 6);
    expect(map[0]).toBeCloseTo(0.5 / 196, 6); // non-entity attention is ignored
    expect(map.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5); // one entity token, rows sum to 1
  });

  it('returns null when the report has no entity token', () => {
    const data = attention(1, 2, 196, () => 0);
    expect(entityAttentionMap({ data, heads: 1, textLength: 2, patches: 196 }, [0, 0])).toBeNull();
  });

  it('scatters visible tokens to their cells and fills unseen cells with the mean (or zero)', () => {
    const H = 1,
      L = 1,
      M = 4;
    const cells = [5, 100, 150, 195];
    const data = Float32Array.from([0.1, 0.2, 0.3, 0.4]);
    const mean = entityAttentionMap({ data, heads: H, textLength: L, patches: M }, [1], { patchCells: cells })!;
    expect([mean[5], mean[100], mean[150], mean[195]].map((v) => +v.toFixed(6))).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(mean[0]).toBeCloseTo(0.25, 6);
    const zero = entityAttentionMap({ data, heads: H, textLength: L, patches: M }, [1], { patchCells: cells, fill: 'zero' })!;
    expect(zero[0]).toBe(0);
  });

  it('checks shapes and cells, saying which', () => {
    const data = new Float32Array(10);
    expect(() => entityAttentionMap({ data, heads: 1, textLength: 1, patches: 9 }, [1])).toThrow(/expected H·L·M/);
    expect(() => entityAttentionMap({ data, heads: 1, textLength: 1, patches: 10 }, [1])).toThrow(/pass patchCells/);
    expect(() => entityAttentionMap({ data, heads: 1, textLength: 1, patches: 10 }, [1, 0])).toThrow(/entity mask has length 2/);
    expect(() => entityAttentionMap({ data, heads: 1, textLength: 1, patches: 10 }, [1], { patchCells: [0, 1, 2, 3, 4, 5, 6, 7, 8, 196] })).toThrow(
      /patchCells\[9\] = 196/,
    );
  });
});
