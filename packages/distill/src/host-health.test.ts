import { describe, expect, it } from 'vitest';
import { HostHealth } from './host-health.js';

describe('HostHealth', () => {
  it('benches after repeated failures, escalates, and resets on success', () => {
    let now = 1000;
    const h = new HostHealth({ benchAfter: 2, benchMs: 100, maxBenchMs: 250 }, () => now);
    expect(h.recordFailure()).toBe(0);
    expect(h.benchedFor()).toBe(0);
    expect(h.recordFailure()).toBe(100);
    expect(h.benchedFor()).toBe(100);
    now += 100;
    expect(h.benchedFor()).toBe(0);
    h.recordFailure();
    expect(h.recordFailure()).toBe(200);
    now += 200;
    h.recordFailure();
    expect(h.recordFailure()).toBe(250);
    now += 250;
    h.recordSuccess();
    h.recordFailure();
    expect(h.recordFailure()).toBe(100);
  });
  it('benches at once on request', () => {
    const h = new HostHealth({ benchAfter: 5, benchMs: 50 }, () => 0);
    expect(h.bench()).toBe(50);
    expect(h.benchedFor()).toBe(50);
  });
});
