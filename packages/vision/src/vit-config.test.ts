import { describe, expect, it } from 'vitest';
import { listVitPresets, resolveMaeConfig, VIT_PRESETS } from './vit-config.js';

describe('ViT presets', () => {
  it('registers tiny, small and base with the documented shapes', () => {
    expect(listVitPresets()).toEqual(['tiny', 'small', 'base']);
    const t = VIT_PRESETS.tiny;
    expect([t.embedDim, t.depth, t.numHeads, t.decoderEmbedDim, t.decoderDepth, t.decoderNumHeads]).toEqual([192, 4, 3, 128, 2, 4]);
    const b = VIT_PRESETS.base;
    expect([b.embedDim, b.depth, b.numHeads, b.decoderEmbedDim, b.decoderDepth, b.decoderNumHeads]).toEqual([768, 12, 12, 512, 4, 16]);
    expect([VIT_PRESETS.small.embedDim, VIT_PRESETS.small.depth, VIT_PRESETS.small.numHeads]).toEqual([384, 12, 6]);
    expect(b.normEps).toBe(1e-6);
    expect(b.maskRatio).toBe(0.75);
  });

  it('applies overrides and names bad fields', () => {
    expect(resolveMaeConfig('tiny', { imageSize: 32 }).imageSize).toBe(32);
    expect(() => resolveMaeConfig('huge')).toThrow(/unknown ViT preset 'huge' \(registered: tiny, small, base\)/);
    expect(() => resolveMaeConfig('tiny', { imageSize: 30 })).toThrow(/imageSize 30 is not a multiple of patchSize 16/);
    expect(() => resolveMaeConfig('tiny', { numHeads: 5 })).toThrow(/not divisible by numHeads 5/);
    expect(() => resolveMaeConfig('tiny', { depth: 0 })).toThrow(/depth must be a positive integer/);
    expect(() => resolveMaeConfig('tiny', { maskRatio: 1 })).toThrow(/maskRatio/);
    expect(() => resolveMaeConfig('tiny', { decoderEmbedDim: 130 })).toThrow(/decoderEmbedDim 130/);
  });
});
