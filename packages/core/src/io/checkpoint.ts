import type { Module } from '../module.js';
import type { AdamW } from '../optim/adamw.js';
import { readSafetensors, writeSafetensors, type WritableTensor } from './safetensors.js';

/** Prefix of optimiser tensors inside a checkpoint file. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/** Metadata key of the module's generator states (dropout streams), JSON by dotted name. */
export const MODULE_RNGS_KEY = 'module.rngs';

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** Also store AdamW moments and step. */
  optimizer?: AdamW;
  /** Extra metadata (e.g. `{ epoch: '3', rng: JSON.stringify(rng.state()) }`). */
  metadata?: Record<string, string>;
}

/**
 * Save a module's parameters (dotted names) and optionally the optimiser state to one
 * safetensors file, atomically. Optimiser moments go under `optimizer.m.<name>` / `optimizer.v.<name>`;
 * the states of the module's generators (dropout) under the `module.rngs` metadata, so training
 * resumed from the file draws the same masks as training that never stopped.
 */
export function saveCheckpoint(path: string, module: Module, opts: SaveCheckpointOptions = {}): void {
  const tensors: Record<string, WritableTensor> = { ...module.stateDict() };
  const metadata: Record<string, string> = { format: 'ecamp-checkpoint-1', ...(opts.metadata ?? {}) };
  const rngs = module.rngStates();
  if (Object.keys(rngs).length > 0) metadata[MODULE_RNGS_KEY] = JSON.stringify(rngs);
  if (opts.optimizer) {
    const s = opts.optimizer.stateDict();
    for (const [k, t] of Object.entries(s.tensors)) tensors[OPTIMIZER_PREFIX + k] = t;
    metadata['optimizer.step'] = String(s.step);
  }
  writeSafetensors(path, tensors, metadata);
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Restore AdamW state too (the file must contain it). */
  optimizer?: AdamW;
  /** Missing/unexpected parameter keys throw (default true). */
  strict?: boolean;
}

/**
 * Load a checkpoint written by {@link saveCheckpoint} into `module` (and `optimizer`), and the
 * module's generator states when the file has them (files written before they were saved do not).
 * @returns the file's metadata
 */
export function loadCheckpoint(path: string, module: Module, opts: LoadCheckpointOptions = {}): Record<string, string> {
  const { tensors, metadata } = readSafetensors(path);
  const params: typeof tensors = {};
  const optim: typeof tensors = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(OPTIMIZER_PREFIX)) optim[k.slice(OPTIMIZER_PREFIX.length)] = t;
    else params[k] = t;
  }
  try {
    module.loadStateDict(params, { strict: opts.strict ?? true });
    const rngs = metadata[MODULE_RNGS_KEY];
    if (rngs !== undefined) module.loadRngStates(JSON.parse(rngs) as Record<string, number[]>, { strict: opts.strict ?? true });
  } catch (err) {
    throw new Error(`loadCheckpoint(${path}): ${(err as Error).message}`);
  }
  if (opts.optimizer) {
    const step = metadata['optimizer.step'];
    if (step === undefined) throw new Error(`loadCheckpoint(${path}): no optimizer state in this checkpoint`);
    opts.optimizer.loadStateDict({ step: Number(step), tensors: optim });
  }
  return metadata;
}
