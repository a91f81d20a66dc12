import { describe, expect, it } from 'vitest';
import { cacheKey } from './cache-key.js';

describe('cacheKey', () => {
  it('is stable and changes with prompt version, model and text', () => {
    const k = cacheKey('p1', 'llama3', 'No effusion.');
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey('p1', 'llama3', 'No effusion.')).toBe(k);
    expect(cacheKey('p2', 'llama3', 'No effusion.')).not.toBe(k);
    expect(cacheKey('p1', 'qwen', 'No effusion.')).not.toBe(k);
    expect(cacheKey('p1', 'llama3', 'No effusion. ')).not.toBe(k);
    // Field boundaries are unambiguous.
    expect(cacheKey('a', 'bc', 'd')).not.toBe(cacheKey('ab', 'c', 'd'));
  });
});
