/**
 * The ECAMP pre-training model: the MAE (ViT encoder + pixel decoder), the
 * projection of visible patch tokens into the text width, the text decoder whose
 * first layer is the context-fusion layer, and the super-resolution head.
 * Objectives that are switched off get no module (and so no parameters).
 *
 * Parameter names: `mae.*` (timm/MAE names below it), `image_proj.*`, `text.*`,
 * `sr.*`. The encoder alone is exported with plain timm names for downstream use.
 */
import { existsSync } from 'node:fs';
import { Linear, Module, Rng, tf } from '@ecamp/core';
import { ContextFusionLayer } from '@ecamp/fusion';
import { TextDecoder, textDecoderConfig } from '@ecamp/mlm';
import { SrHead } from '@ecamp/superres';
import { createMae, loadTimmSafetensors, type LoadTimmReport, type MaeConfig, type MaskedAutoencoder } from '@ecamp/vision';
import type { Config } from '../config/schema.js';

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
  /** Visible patch tokens (ViT width) → text width; present when MLM is on. */
  readonly imageProj?: Linear;
  readonly text?: TextDecoder;
  readonly sr?: SrHead;

  constructor(
    readonly config: Config,
    vocabSize: number,
  ) {
    super();
    const { model, objectives, seed } = config;
    const rng = new Rng(seed).fork('model');
    this.mae = this.addModule(
      'mae',
      createMae(model.vit, {
        ...encoderOverrides(config),
        imageSize: model.imageSize,
        patchSize: model.patchSize,
        maskRatio: model.maskRatio,
        normPixLoss: model.normPixLoss,
        decoderEmbedDim: model.decoder.dim,
        decoderDepth: model.decoder.depth,
        decoderNumHeads: model.decoder.heads,
        seed,
      }),
    );
    if (objectives.mlm.enabled) {
      const t = model.text;
      this.imageProj = this.addModule('image_proj', new Linear(this.mae.embedDim, t.dim, { rng: rng.fork('image_proj') }));
      const firstLayer =
        model.fusion === 'none'
          ? undefined
          : new ContextFusionLayer({ dim: t.dim, numHeads: t.heads, intermediate: t.intermediate, variant: model.fusion, rng: rng.fork('fusion') });
      this.text = this.addModule(
        'text',
        new TextDecoder(
          textDecoderConfig({ vocabSize, dim: t.dim, numLayers: t.layers, numHeads: t.heads, intermediate: t.intermediate, maxPositions: t.maxLength }),
          { firstLayer, rng: rng.fork('text') },
        ),
      );
    }
    if (objectives.superres.enabled) {
      this.sr = this.addModule('sr', new SrHead({ hidden: model.superres.hidden, finalActivation: model.superres.finalActivation, rng: rng.fork('sr') }));
    }
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
      throw new Error(`model.init: file not found: ${path} (a safetensors file with timm/MAE names, e.g. MAE's mae_pretrain_vit_base.pth converted as docs/method.md shows; or unset model.init)`);
    }
    try {
      report = loadTimmSafetensors(this.mae, path, { requireAll: false });
    } catch (e) {
      throw new Error(`model.init: ${path}: ${(e as Error).message}`);
    }
    const encoderMissing = report.missing.filter((n) => !n.startsWith('decoder_') && n !== 'mask_token');
    if (encoderMissing.length) {
      throw new Error(`model.init: ${path} lacks ${encoderMissing.length} encoder parameter(s) of preset '${this.config.model.vit}': ${encoderMissing.join(', ')}`);
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
