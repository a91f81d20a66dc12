/**
 * The evidence benchmark's grid: a base configuration, seeds, label fractions,
 * the settings of the four downstream protocols, and the rows — each a list of
 * `--set` overrides of the base (or no pre-training at all, the random-init row).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config/load.js';

const task = z.strictObject({
  /** Optimiser steps of the head (or the fine-tuned encoder); epochs = ⌈steps · batch / images⌉. */
  steps: z.number().int().positive(),
  lr: z.number().positive(),
  batchSize: z.number().int().positive(),
  weightDecay: z.number().nonnegative().default(0.05),
});

const GridSchema = z.strictObject({
  description: z.string().optional(),
  /** A preset name or config file every row starts from. */
  base: z.string().min(1),
  /** Overrides applied to every row (before the row's own). */
  set: z.array(z.string()).default([]),
  /** Run seeds: each seeds the model initialisation, masking, data order, fraction subsets and heads. */
  seeds: z.array(z.number().int().nonnegative()).min(1),
  /** Label fractions of the training list (paper: 0.01, 0.1, 1). */
  fractions: z.array(z.number().gt(0).max(1)).min(1),
  /** Extra row pairs [a, b] whose per-seed differences a − b the report shows (besides each row − the row above). */
  contrasts: z.array(z.tuple([z.string(), z.string()])).default([]),
  tasks: z.strictObject({
    probe: task.extend({
      /** `lbfgs` (default): the probe solved to convergence (steps/lr/batchSize unused); `adamw`: trained for `steps`. */
      solver: z.enum(['lbfgs', 'adamw']).default('lbfgs'),
      /** `lbfgs`: L2 strength in units of the mean loss (default 1/N: scikit-learn's C = 1). */
      l2: z.number().positive().optional(),
    }),
    finetune: task.extend({ layerDecay: z.number().gt(0).max(1).default(0.75) }),
    segmentation: task.extend({
      /** Which synthetic mask (an entry of the set's mask labels). */
      label: z.string().default('pleural_effusion'),
      /** Widths of the decoder's four ×2 stages. */
      channels: z.array(z.number().int().positive()).length(4).default([64, 32, 16, 16]),
    }),
    detection: task.extend({ channels: z.number().int().positive().default(64) }),
  }),
  rows: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[\w.+-]+$/),
        /** What the row adds, for the table. */
        label: z.string().min(1),
        /** False: the randomly initialised encoder (no pre-training). */
        pretrain: z.boolean().default(true),
        /**
         * An earlier row whose pre-trained MAE (same seed) this row starts from (`model.init`),
         * as the authors start ECAMP from an MAE checkpoint.
         */
        init: z.string().optional(),
        set: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});

/** A validated evidence grid. */
export type EvidenceGrid = z.infer<typeof GridSchema>;
/** One row of the grid. */
export type EvidenceRow = EvidenceGrid['rows'][number];
/** The downstream protocols of the benchmark. */
export const TASKS = ['probe', 'finetune', 'segmentation', 'detection'] as const;
/** One protocol name. */
export type EvidenceTask = (typeof TASKS)[number];

/** Validates a raw grid object; `origin` names it in errors. */
export function parseEvidenceGrid(raw: unknown, origin: string): EvidenceGrid {
  const parsed = GridSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      `${origin}: invalid evidence grid\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n')}`,
    );
  }
  const names = parsed.data.rows.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError(`${origin}: rows: the name '${dup}' is used twice`);
  parsed.data.contrasts.forEach(([a, b], i) => {
    for (const [k, n] of [
      [0, a],
      [1, b],
    ] as const) {
      if (!names.includes(n)) throw new ConfigError(`${origin}: contrasts.${i}.${k}: no row named '${n}'`);
    }
  });
  parsed.data.rows.forEach((r, i) => {
    if (r.init === undefined) return;
    const from = parsed.data.rows.findIndex((x) => x.name === r.init);
    if (from < 0 || from >= i) throw new ConfigError(`${origin}: rows.${i}.init: '${r.init}' is not an earlier row`);
    if (!parsed.data.rows[from].pretrain) throw new ConfigError(`${origin}: rows.${i}.init: row '${r.init}' is not pre-trained`);
    if (!r.pretrain) throw new ConfigError(`${origin}: rows.${i}.init: a row without pre-training has nothing to initialise`);
  });
  return parsed.data;
}

/** Reads and validates an evidence grid file. */
export function readEvidenceGrid(path: string): EvidenceGrid {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the evidence grid: ${(e as Error).message}`);
  }
  return parseEvidenceGrid(raw, path);
}

/** Epochs that give at least `steps` optimiser steps over `images` images at `batchSize`. */
export function epochsFor(steps: number, images: number, batchSize: number): number {
  if (images < 1) throw new Error('epochsFor: no training images');
  return Math.max(1, Math.ceil(steps / Math.ceil(images / batchSize)));
}
