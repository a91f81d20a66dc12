import { BACKEND_NAMES } from '@ecamp/core';
import { FUSION_VARIANTS } from '@ecamp/fusion';
import { listVitPresets } from '@ecamp/vision';
import { z } from 'zod';
import { OBJECTIVES, type RegisteredObjective } from '../pretrain/objectives/registry.js';
import { superresModelSlice } from '../pretrain/objectives/superres.js';

/**
 * The one configuration of a pre-training + evaluation run. Every random
 * choice flows from `seed`; every objective can be switched off or re-weighted,
 * which is how ablations are expressed (a list of overrides of this object).
 */

/** `objectives.<name>` for every registered objective: its declared slice, every field defaulted. */
type ObjectiveSlices = { [O in RegisteredObjective as O['name']]: z.ZodPrefault<O['slice']> };
const objectiveSlices = Object.fromEntries(
  OBJECTIVES.map((o) => {
    const slice: z.ZodObject = o.slice;
    return [o.name, slice.prefault({})];
  }),
) as ObjectiveSlices;

const ConfigObject = z.strictObject({
  /** Human-readable run name; the run directory is `<outDir>/<name>`. */
  name: z.string().min(1).default('run'),
  seed: z.number().int().nonnegative().default(0),
  /** `wasm` (SIMD, default), `cpu`, or `tensorflow` (tfjs-node-gpu / tfjs-node when installed). */
  backend: z.enum(BACKEND_NAMES).optional(),
  outDir: z.string().default('runs'),

  data: z
    .strictObject({
      /** `synthetic`: the embedded generator; `csv`: the authors' `img_path, report, llm_output` CSV. */
      source: z.enum(['synthetic', 'csv']).default('synthetic'),
      /** For `synthetic`: number of images generated (split by `syntheticSplit`). */
      syntheticCount: z.number().int().positive().default(320),
      /**
       * For `synthetic`: the seed of the generated set. Separate from the run's `seed`, so runs
       * with different seeds (ablations, repeated runs) train and test on the same images.
       */
      syntheticSeed: z.number().int().nonnegative().default(0),
      /** For `synthetic`: image side in pixels, 448…512 (the generator's range). */
      syntheticSize: z.number().int().min(448).max(512).default(512),
      /** For `synthetic`: fractions of the images in the training and validation splits; the rest is the test split. */
      syntheticSplit: z
        .strictObject({
          train: z.number().gt(0).lt(1).default(0.7),
          val: z.number().min(0).lt(1).default(0.1),
        })
        .prefault({}),
      csv: z.string().optional(),
      imageRoot: z.string().optional(),
      /** Optional authors'-format window CSV (`label_i, label_j`), row-aligned with the pairs. */
      windowCsv: z.string().optional(),
      batchSize: z.number().int().positive().default(8),
      onBadSample: z.enum(['skip', 'fail']).default('skip'),
      /**
       * Where the entity-centred context comes from: `rules` (the offline rule-based
       * distiller of @ecamp/distill, run on each report), `csv` (the CSV's llm_output
       * column, e.g. the authors' Vicuna outputs or `ecamp-distill` results), `none`.
       */
      context: z.enum(['rules', 'csv', 'none']).default('rules'),
      /** Probability of inserting the distilled entity context into the report (paper: 0.8). */
      contextInsertProbability: z.number().min(0).max(1).default(0.8),
    })
    .prefault({}),

  model: z
    .strictObject({
      vit: z.enum(listVitPresets()).default('tiny'),
      /** Overrides of the `vit` preset's encoder sizes (e.g. a smaller encoder for quick benchmarks). */
      encoder: z
        .strictObject({
          dim: z.number().int().positive().optional(),
          depth: z.number().int().positive().optional(),
          heads: z.number().int().positive().optional(),
        })
        .prefault({}),
      /**
       * Initial weights of the MAE (encoder, and the decoder when present): a safetensors
       * file with timm/MAE names and PyTorch layouts, e.g. MAE's ImageNet ViT-B/16
       * (`mae_pretrain_vit_base.pth` converted; the authors start from it). Absent: random.
       */
      init: z.string().optional(),
      /**
       * A MIM-only stage run before pre-training when there is no `model.init` file: the
       * authors start ECAMP from ImageNet MAE weights; offline, the MAE is pre-trained on the
       * run's own images first (`steps` at `lr`, cosine after `warmupSteps`). Cached under
       * `<outDir>/warm-start/` by everything it depends on, so later runs reuse it.
       */
      warmStart: z
        .strictObject({
          steps: z.number().int().positive().default(2000),
          lr: z.number().positive().default(1e-3),
          warmupSteps: z.number().int().nonnegative().default(100),
        })
        .optional(),
      imageSize: z.number().int().positive().default(224),
      patchSize: z.number().int().positive().default(16),
      maskRatio: z.number().gt(0).lt(1).default(0.75),
      normPixLoss: z.boolean().default(false),
      decoder: z
        .strictObject({
          dim: z.number().int().positive().default(128),
          depth: z.number().int().positive().default(2),
          heads: z.number().int().positive().default(4),
        })
        .prefault({}),
      text: z
        .strictObject({
          dim: z.number().int().positive().default(192),
          /** Every layer of the text decoder, the fusion layer included (the authors: fusion + BERT-6 = 7). */
          layers: z.number().int().positive().default(2),
          heads: z.number().int().positive().default(3),
          intermediate: z.number().int().positive().default(384),
          maxLength: z.number().int().positive().default(128),
        })
        .prefault({}),
      /** Multi-scale context fusion variant (ablation): see @ecamp/fusion. */
      fusion: z.enum(FUSION_VARIANTS).default('patches+pooled'),
      superres: superresModelSlice.prefault({}),
    })
    .prefault({}),

  tokenizer: z
    .strictObject({
      /** A Hugging Face tokenizer.json; absent → a WordPiece vocabulary is trained on the run's reports. */
      path: z.string().optional(),
      vocabSize: z.number().int().positive().default(4000),
    })
    .prefault({}),

  objectives: z
    .strictObject({
      /**
       * The scale of each loss before the weights: `authors` as the authors' code (MIM: MSE
       * over all pixels of pred·mask, = 0.75 × the masked-patch mean; SR: mean over the whole
       * 448² view, = (384/448)² × the window mean; MLM: cross-entropy at every position
       * against the original ids, × weights, mean over B·L) — the paper's default;
       * `normalised`: each term a mean over what it scores (masked patches, window pixels,
       * Σ w over masked real tokens).
       */
      balance: z.enum(['authors', 'normalised']).default('authors'),
      /** One slice per registered objective (src/pretrain/objectives/): enabled, weight and its options. */
      ...objectiveSlices,
    })
    .prefault({}),

  optim: z
    .strictObject({
      lr: z.number().positive().default(1.5e-4),
      minLr: z.number().nonnegative().default(0),
      betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.95]),
      weightDecay: z.number().nonnegative().default(0.05),
      /**
       * `authors`: warm-up over 40/120 of the run, then a cosine whose horizon is 200/120 of
       * the run (the lr ends at ≈ 0.5 × peak, as the authors' 40 warm-up epochs of a 200-epoch
       * cosine stopped at epoch 120); `cosine`: `warmupSteps`, then a cosine to `minLr` at the
       * end of the run.
       */
      schedule: z.enum(['authors', 'cosine']).default('authors'),
      /** Warm-up steps of the `cosine` schedule. */
      warmupSteps: z.number().int().nonnegative().default(10),
      /** Optimiser steps (each `accumulate` micro-batches); ignored when `epochs` is set. */
      steps: z.number().int().positive().default(100),
      /** Run length in passes over the pre-training pairs; when set, steps = ⌈epochs · pairs / (batch · accumulate)⌉. */
      epochs: z.number().positive().optional(),
      accumulate: z.number().int().positive().default(1),
      clipNorm: z.number().positive().optional(),
    })
    .prefault({}),

  log: z
    .strictObject({
      every: z.number().int().positive().default(5),
      checkpointEvery: z.number().int().positive().default(50),
      /** Step checkpoints kept (`checkpoints/step-NNNNNN.safetensors`, the newest); older ones are deleted. */
      keepCheckpoints: z.number().int().positive().default(2),
      pictureEvery: z.number().int().positive().default(50),
    })
    .prefault({}),

  evaluate: z
    .strictObject({
      protocol: z.enum(['linear-probe', 'finetune']).default('linear-probe'),
      epochs: z.number().int().positive().default(5),
      lr: z.number().positive().default(1e-3),
      batchSize: z.number().int().positive().default(16),
      /** Classification lists (`path l1 l2 …`); for synthetic data the generated train/test lists are used. */
      trainList: z.string().optional(),
      testList: z.string().optional(),
      /** Fraction of the training list used (paper: 0.01, 0.1, 1). */
      trainFraction: z.number().gt(0).max(1).default(1),
      /**
       * Linear probe with trainFraction < 1: train the probe on this many label subsets (draw k
       * uses seed + k; draw 0 is the single draw) and report the mean over draws, so one lucky
       * or unlucky subset does not decide the comparison. Encoders are compared draw by draw.
       */
      draws: z.number().int().positive().default(1),
      /** Also train the same head on a randomly initialised encoder, to show what pre-training bought. */
      compareWithScratch: z.boolean().default(true),
      /**
       * Linear probe only: MAE's probe head — the pooled, fc_norm'ed features are standardised
       * with training-set statistics (BatchNorm1d without affine) before the linear layer, and
       * only the linear layer trains. Off: the paper's head (fc_norm → linear) trains as is.
       */
      featureNorm: z.boolean().default(true),
      /**
       * Linear probe only: how the probe's classifier is fitted. `lbfgs` (default): solved to
       * convergence — L2-regularised logistic regression by L-BFGS (@ecamp/downstream's
       * `solveLinearProbe`; `epochs`, `lr` and `batchSize` do not apply). `adamw`: minibatch
       * AdamW for `epochs` epochs (MAE's recipe; with few labelled images it stops far from the
       * optimum, near the loss of predicting the label frequencies).
       */
      probeSolver: z.enum(['lbfgs', 'adamw']).default('lbfgs'),
      /** `lbfgs` probe: L2 strength in units of the mean loss (default 1/N: scikit-learn's C = 1). */
      probeL2: z.number().positive().optional(),
      /** Bootstrap resamples of the test images behind every printed AUROC interval. */
      bootstrap: z.number().int().positive().default(1000),
    })
    .prefault({}),
});

/** Rules that tie fields together; each names the field to change. */
export const ConfigSchema = ConfigObject.superRefine((c, ctx) => {
  if (c.data.source === 'csv' && !c.data.csv) {
    ctx.addIssue({ code: 'custom', path: ['data', 'csv'], message: "required when data.source is 'csv' (the authors' img_path, report, llm_output CSV)" });
  }
  if (c.data.source === 'csv' && (!c.evaluate.trainList || !c.evaluate.testList)) {
    ctx.addIssue({
      code: 'custom',
      path: ['evaluate', 'trainList'],
      message: "evaluate.trainList and evaluate.testList are required when data.source is 'csv'",
    });
  }
  if (c.model.warmStart && c.model.init) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'warmStart'],
      message: 'model.init already gives the starting weights: set one of model.init and model.warmStart',
    });
  }
  if (c.model.warmStart && c.model.warmStart.warmupSteps > c.model.warmStart.steps) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'warmStart', 'warmupSteps'],
      message: `must not exceed model.warmStart.steps (${c.model.warmStart.steps})`,
    });
  }
  if (c.evaluate.draws > 1 && c.evaluate.protocol !== 'linear-probe') {
    ctx.addIssue({
      code: 'custom',
      path: ['evaluate', 'draws'],
      message: "label draws are for the linear probe (evaluate.protocol 'linear-probe'); fine-tuning once per draw would multiply its cost",
    });
  }
  if (c.evaluate.draws > 1 && c.evaluate.trainFraction === 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['evaluate', 'draws'],
      message: 'with evaluate.trainFraction 1 every draw is the whole training list: set trainFraction below 1 or draws to 1',
    });
  }
  if (c.data.syntheticSplit.train + c.data.syntheticSplit.val >= 1) {
    ctx.addIssue({ code: 'custom', path: ['data', 'syntheticSplit'], message: 'train + val must leave a test split (sum < 1)' });
  }
  if (c.optim.schedule === 'cosine' && c.optim.epochs === undefined && c.optim.warmupSteps > c.optim.steps) {
    ctx.addIssue({ code: 'custom', path: ['optim', 'warmupSteps'], message: `must not exceed optim.steps (${c.optim.steps})` });
  }
  if (c.objectives.superres.enabled && c.model.normPixLoss) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'normPixLoss'],
      message: 'the SR head refines the MIM prediction as an image; it cannot use per-patch normalised targets',
    });
  }
  if (c.objectives.superres.enabled && c.objectives.superres.window === 'online') {
    if (!c.objectives.mlm.enabled || c.model.fusion === 'none' || c.model.fusion === 'pooled') {
      ctx.addIssue({
        code: 'custom',
        path: ['objectives', 'superres', 'window'],
        message:
          "'online' windows come from the fusion layer's text→image attention: they need objectives.mlm.enabled and model.fusion 'patches+pooled' or 'patches' (else use 'csv' or 'center')",
      });
    }
  }
  if (c.objectives.superres.enabled && c.objectives.superres.window === 'csv' && c.data.source === 'csv' && !c.data.windowCsv) {
    // (The synthetic set writes its own windows.csv.)
    ctx.addIssue({ code: 'custom', path: ['data', 'windowCsv'], message: "required when objectives.superres.window is 'csv' and data.source is 'csv'" });
  }
  const grid = c.model.imageSize / c.model.patchSize;
  if (c.objectives.superres.enabled && Number.isInteger(grid) && c.model.superres.windowCells > grid) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'superres', 'windowCells'],
      message: `the window must fit the ${grid}×${grid} patch grid (model.imageSize / model.patchSize): at most ${grid}`,
    });
  }
  if (c.model.imageSize * 2 !== 448 && c.objectives.superres.enabled) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'imageSize'],
      message: 'the SR objective upsamples the encoder view ×2 to the 448 view: imageSize must be 224',
    });
  }
});

/** A fully resolved configuration (every default filled in). */
export type Config = z.infer<typeof ConfigSchema>;
/** What a config file may hold (everything optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;
