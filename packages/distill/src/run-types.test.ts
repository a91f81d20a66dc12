import { describe, expect, it } from 'vitest';
import { emptySummary } from './run-types.js';

describe('emptySummary', () => {
  it('starts at zero with fresh objects', () => {
    const a = emptySummary();
    a.failedByReason.timeout = 1;
    expect(emptySummary()).toEqual({ total: 0, done: 0, cached: 0, failed: 0, failedByReason: {}, interrupted: false });
  });
});
