import { describe, expect, it } from 'vitest';
import { contextWindow } from './window.js';

describe('contextWindow', () => {
  it('moves the 12×12 window towards the finding and stays centred without one', () => {
    const w = 448;
    const mask = new Uint8Array(w * w);
    // Finding in the bottom-right corner patch rows/cols 13.
    for (let y = 420; y < 448; y++) for (let x = 420; x < 448; x++) mask[y * w + x] = 1;
    expect(contextWindow([mask], w, w)).toEqual({ i: 2, j: 2 });
    const top = new Uint8Array(w * w);
    for (let y = 0; y < 30; y++) for (let x = 200; x < 240; x++) top[y * w + x] = 1;
    expect(contextWindow([top], w, w)).toEqual({ i: 0, j: 1 });
    expect(contextWindow([], w, w)).toEqual({ i: 1, j: 1 });
  });
});
