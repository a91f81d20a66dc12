/**
 * The shared results of one pre-training pass, each computed once, on first
 * request, by whichever objective asks first: the encoder output (one masked
 * encoder pass), the MIM prediction (the pixel decoder), the text pass (the text
 * decoder with the fusion layer: the MLM loss and, when an enabled objective reads
 * it, the fusion layer's detached text→image attention) and the SR windows (from
 * that attention when they are chosen online). Tensors stay in the caller's tidy
 * scope; nothing here disposes them.
 */
import type { tf } from '@ecamp/core';
import { selectWindowsFromAttention, windowsOnly, type ContextWindow, type WindowSelector } from '@ecamp/superres';
import { maskingFromNoise, type MaeEncoderOutput, type MaskingSource } from '@ecamp/vision';
import type { Config } from '../../config/schema.js';
import { entityMaskRows } from '../entity-mask.js';
import type { EcampPretrainModel } from '../model.js';
import type { PretrainInputs } from '../step.js';

/** Output of the text decoder's pass. */
export interface TextPass {
  /** The MLM term at the scale of `objectives.balance`. */
  loss: tf.Scalar;
  /** [B, H, L, M] the fusion layer's text→image attention (only when an enabled objective reads it). */
  attention?: tf.Tensor4D;
}

export class StepContext {
  private encoded?: MaeEncoderOutput;
  private encodedFull?: MaeEncoderOutput;
  private prediction?: tf.Tensor3D;
  private text?: TextPass;
  private chosen?: ContextWindow[];

  constructor(
    readonly model: EcampPretrainModel,
    readonly inputs: PretrainInputs,
    readonly config: Config,
    private readonly masking: MaskingSource,
    readonly windowSelector: WindowSelector,
    /** Whether the text pass returns the fusion attention (some enabled objective reads it). */
    private readonly returnAttention: boolean,
  ) {}

  /** The masked encoder pass: `latent` (cls + visible tokens), `mask`, `idsRestore`, `idsKeep`. */
  encoder(): MaeEncoderOutput {
    return (this.encoded ??= this.model.mae.forwardEncoder(this.inputs.image224, this.config.model.maskRatio, this.masking));
  }

  /**
   * The encoder pass the text decoder reads (`objectives.mlm.imageView`): the MIM pass, or a
   * pass over every patch in grid order (fixed indices: the MIM masking stream is not drawn from).
   */
  textEncoder(): MaeEncoderOutput {
    if (this.config.objectives.mlm.imageView === 'masked') return this.encoder();
    if (!this.encodedFull) {
      const { mae } = this.model;
      const b = this.inputs.image224.shape[0];
      const inOrder = Array.from({ length: b * mae.numPatches }, (_, k) => (k % mae.numPatches) / mae.numPatches);
      this.encodedFull = mae.forwardEncoder(this.inputs.image224, 0, maskingFromNoise(inOrder, b, mae.numPatches, 0));
    }
    return this.encodedFull;
  }

  /** [B, L, p·p·3] the MAE decoder's pixels for every patch. */
  mimPrediction(): tf.Tensor3D {
    if (!this.prediction) {
      const enc = this.encoder();
      this.prediction = this.model.mae.forwardDecoder(enc.latent, enc.idsRestore);
    }
    return this.prediction;
  }

  /** The text decoder's pass over the masked report, attending to the visible patches. */
  textPass(): TextPass {
    if (!this.text) {
      const { text } = this.model;
      const inputs = this.inputs.text;
      if (!text) throw new Error('pretrain: the text pass needs the text decoder, which is built only when objectives.mlm.enabled');
      if (!inputs) throw new Error('pretrain: the text pass needs tokenised reports (objectives.mlm.enabled with a tokenizer), and the batch has none');
      const image = this.model.imageForText(this.textEncoder().latent); // the patches it sees, projected, and their mean
      const out = text.loss({
        inputIds: inputs.inputIds,
        attentionMask: inputs.attentionMask,
        labels: inputs.labels,
        weights: inputs.weights,
        image,
        returnAttention: this.returnAttention,
        reduction: this.config.objectives.balance === 'authors' ? 'authors' : 'weighted-mean',
      });
      this.text = { loss: out.loss, attention: out.attention };
    }
    return this.text;
  }

  /**
   * The SR windows: precomputed ones (CSV mapped through the augmentation, or centred),
   * or with `online` each example's window from the detached fusion attention of its
   * entity tokens (the cells of the patches the text decoder saw: `idsKeep` of its pass); examples without
   * entities get the centred window, counted by the selector.
   */
  windows(): ContextWindow[] {
    if (!this.chosen) {
      if (this.inputs.windows !== 'online') this.chosen = this.inputs.windows;
      else {
        const { attention } = this.textPass();
        if (!attention || !this.inputs.text) {
          // The config validation rules this out (online windows need a cross-attending fusion layer).
          throw new Error("pretrain: online SR windows need the fusion layer's text→image attention, and none was returned");
        }
        const entityMask = entityMaskRows(this.inputs.text.entityPositions, attention.shape[2]);
        this.chosen = windowsOnly(selectWindowsFromAttention({ attention, entityMask, patchCells: this.textEncoder().idsKeep }, this.windowSelector));
      }
    }
    return this.chosen;
  }

  /** The windows, when something asked for them in this pass. */
  windowsIfChosen(): ContextWindow[] | undefined {
    return this.chosen;
  }
}
