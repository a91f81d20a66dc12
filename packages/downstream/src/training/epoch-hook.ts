/**
 * Called by the training loops after every epoch with the 0-based epoch
 * index — the place to evaluate on a validation list, keep the best weights
 * or write a checkpoint. Returning `'stop'` ends training early.
 */
export type EpochEndHook = (epoch: number) => void | 'stop' | Promise<void | 'stop'>;

/** Runs `hook` (if any) and says whether training should stop. */
export async function shouldStopAfterEpoch(hook: EpochEndHook | undefined, epoch: number): Promise<boolean> {
  if (!hook) return false;
  const verdict = await hook(epoch);
  if (verdict !== undefined && verdict !== 'stop') throw new Error(`onEpochEnd returned ${JSON.stringify(verdict)}; return 'stop' or nothing`);
  return verdict === 'stop';
}
