import { describe, expect, it } from 'vitest';
import { shouldStopAfterEpoch } from './epoch-hook.js';

describe('shouldStopAfterEpoch', () => {
  it('stops only on an explicit "stop", sync or async', async () => {
    expect(await shouldStopAfterEpoch(undefined, 0)).toBe(false);
    expect(await shouldStopAfterEpoch(() => undefined, 0)).toBe(false);
    expect(await shouldStopAfterEpoch((e) => (e === 2 ? 'stop' : undefined), 2)).toBe(true);
    expect(await shouldStopAfterEpoch(async () => 'stop' as const, 0)).toBe(true);
  });
  it('rejects any other return value', async () => {
    await expect(shouldStopAfterEpoch(() => true as never, 0)).rejects.toThrow(/returned true; return 'stop' or nothing/);
  });
});
