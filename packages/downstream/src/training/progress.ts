/** What every downstream training loop reports after each optimiser step. */
export interface StepProgress {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based global step. */
  step: number;
  /** Loss of this step's batch. */
  loss: number;
  /** Learning rate used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** False when the non-finite guard skipped the update. */
  applied: boolean;
}
