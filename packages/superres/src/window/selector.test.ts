import { describe, expect, it } from 'vitest';
import { WindowSelector } from './selector.js';

function oneHot(M: number, cell: number): Float32Array {
  const a = new Float32Array(M);
  a[cell] = 1;
  return a;
}

describe('WindowSelector', () => {
  it('chooses from entity attention and falls back to the centred window without entities, counting both', () => {
    const s = new WindowSelector();
    const att = { data: oneHot(196, 13 * 14), heads: 1, textLength: 1, patches: 196 }; // row 13, column 0
    expect(s.select(att, [1])).toEqual({ i: 2, j: 0, mass: 1, source: 'attention' });
    expect(s.select(att, [0])).toEqual({ i: 1, j: 1, mass: 0, source: 'fallback-no-entity' });
    expect(s.select(att, [0])).toMatchObject({ source: 'fallback-no-entity' });
    expect(s.counts()).toEqual({ selected: 1, fallbackNoEntity: 2 });
    s.resetCounts();
    expect(s.counts()).toEqual({ selected: 0, fallbackNoEntity: 0 });
  });

  it('uses the patch cells of visible tokens', () => {
    const s = new WindowSelector({ fill: 'zero' });
    // Two visible tokens; the entity looks at the one in row 0, column 13.
    const att = { data: Float32Array.from([0, 1]), heads: 1, textLength: 1, patches: 2 };
    expect(s.select(att, [1], [100, 13])).toMatchObject({ i: 0, j: 2, source: 'attention' });
  });
});
