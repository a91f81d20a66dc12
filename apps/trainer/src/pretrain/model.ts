/**
 * The ECAMP pre-training model: the MAE (ViT encoder + pixel decoder), the
 * projection of visible patch tokens into the text width, the text decoder whose
 * first layer is the context-fusion layer, and the super-resolution head.
 * The MAE's encoder is the backbone and always built; its pixel decoder only when an
 * enabled objective reads its prediction (MIM, SR). Every other module belongs to an
 * objective of the registry (`objectives/`), which builds it only when it is
 * enabled — an objective that is off adds no module and so no parameter.
 *
 * Parameter names: `mae.*` (timm/MAE names below it), then each enabled objective's
 * modules in registry order: `image_proj.*`, `text.*` (MLM), `sr.*` (SR). The encoder
 * alone is exported with plain timm names for downstream use.
 */
import { existsSync } from 'node:fs';
import { Module, Rng, tf, type Linear } from '@ecamp/core';
import type { TextDecoder } from '@ecamp/mlm';
import type { SrHead } from '@ecamp/superres';
import { createMae, loadTimmSafetensors, type LoadTimmReport, type MaeConfig, type MaskedAutoencoder } from '@ecamp/vision';
import type { Config } from '../config/schema.js';
import { enabledObjectives, type ObjectiveModules } from './objectives/registry.js';

/** The ViT sizes of `model.encoder` that override the `model.vit` preset (only the fields set). */
export function encoderOverrides(config: Config): Partial<MaeConfig> {
  const e = config.model.encoder;
  return {
    ...(e.dim !== undefined ? { embedDim: e.dim } : {}),
    ...(e.depth !== undefined ? { depth: e.depth } : {}),
    ...(e.heads !== undefined ? { numHeads: e.heads } : {}),
  };
}

export class EcampPretrainModel extends Module {
  readonly mae: MaskedAutoencoder;
  /** The modules of each enabled objective, by objective name (absent: the objective is off). */
  readonly objectiveModules: Partial<ObjectiveModules> = {};

  constructor(
    readonly config: Config,
    vocabSize: number,
  ) {
    super();
    const { model, seed } = config;
    const rng = new Rng(seed).fork('model');
    const objectives = enabledObjectives(config);
    this.mae = this.addModule(
      'mae',
      createMae(
        model.vit,
        {
          ...encoderOverrides(config),
          imageSize: model.imageSize,
          patchSize: model.patchSize,
          maskRatio: model.maskRatio,
          normPixLoss: model.normPixLoss,
          decoderEmbedDim: model.decoder.dim,
          decoderDepth: model.decoder.depth,
          decoderNumHeads: model.decoder.heads,
          seed,
        },
        { decoder: objectives.some((o) => o.usesPixelDecoder) },
      ),
    );
    const env = { config, encoderDim: this.mae.embedDim, vocabSize, rng };
    for (const objective of objectives) {
      const modules: Record<string, Module> = objective.build(env);
      for (const [name, module] of Object.entries(modules)) this.addModule(name, module);
      (this.objectiveModules as Record<string, unknown>)[objective.name] = modules;
    }
  }

  /** Visible patch tokens (ViT width) → text width; present when MLM is on. */
  get imageProj(): Linear | undefined {
    return this.objectiveModules.mlm?.image_proj;
  }

  /** The text decoder (fusion layer first); present when MLM is on. */
  get text(): TextDecoder | undefined {
    return this.objectiveModules.mlm?.text;
  }

  /** The SR head; present when SR is on. */
  get sr(): SrHead | undefined {
    return this.objectiveModules.superres?.sr;
  }

  /**
   * The image side of the text decoder: the encoder's patch tokens (cls dropped) projected
   * to the text width, and their mean as the pooled token.
   * @param tokens [B, 1+M, D] encoder output (cls first)
   * @returns patches [B, M, Dt], pooled [B, Dt]
   */
  imageForText(tokens: tf.Tensor3D): { patches: tf.Tensor3D; pooled: tf.Tensor2D } {
    if (!this.imageProj) throw new Error('EcampPretrainModel: the MLM objective is off, so there is no image projection');
    const [b, n1, d] = tokens.shape;
    const patches = this.imageProj.forward(tf.slice(tokens, [0, 1, 0], [b, n1 - 1, d])) as tf.Tensor3D;
    return { patches, pooled: tf.mean(patches, 1) as tf.Tensor2D };
  }

  /**
   * Loads `model.init` (timm/MAE names and layouts) into the MAE: every encoder parameter
   * must be in the file; decoder parameters it lacks (MAE's released encoder-only
   * checkpoints) keep their random initialisation and are listed in the report.
   */
  loadInit(path: string): LoadTimmReport {
    let report: LoadTimmReport;
    if (!existsSync(path)) {
      throw new Error(
        `model.init: file not found: ${path} (a safetensors file with timm/MAE names, e.g. MAE's mae_pretrain_vit_base.pth converted as docs/method.md shows; or unset model.init)`,
      );
    }
    try {
      report = loadTimmSafetensors(this.mae, path, { requireAll: false });
    } catch (e) {
      throw new Error(`model.init: ${path}: ${(e as Error).message}`);
    }
    const encoderMissing = report.missing.filter((n) => !n.startsWith('decoder_') && n !== 'mask_token');
    if (encoderMissing.length) {
      throw new Error(
        `model.init: ${path} lacks ${encoderMissing.length} encoder parameter(s) of preset '${this.config.model.vit}': ${encoderMissing.join(', ')}`,
      );
    }
    return report;
  }

  /** The encoder's parameters under their timm names (no `mae.` prefix, no decoder). */
  encoderState(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = {};
    for (const p of this.mae.namedParameters()) {
      if (!p.name.startsWith('decoder_') && p.name !== 'mask_token') out[p.name] = p.variable;
    }
    return out;
  }
}
