import { describe, expect, it } from 'vitest';
import { FUSION_VARIANTS, parseFusionVariant, usesPatches, usesPooled } from './variant.js';

describe('fusion variants', () => {
  it('parses every variant and names the field on bad input', () => {
    for (const v of FUSION_VARIANTS) expect(parseFusionVariant(v)).toBe(v);
    expect(() => parseFusionVariant('pooled+patches', 'model.fusion')).toThrow(/model.fusion: expected one of 'patches\+pooled'/);
    expect(() => parseFusionVariant(3)).toThrow(/got 3/);
  });

  it('says which image terms each variant uses', () => {
    expect(FUSION_VARIANTS.map((v) => [usesPatches(v), usesPooled(v)])).toEqual([
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ]);
  });
});
