/**
 * The contract between the text decoder and its first layer.
 *
 * ECAMP's first text layer is the multi-scale context-fusion layer (`@ecamp/fusion`):
 * text self-attention, cross-attention from text queries to image patch tokens, the
 * projected pooled image token added to every text position, then the feed-forward.
 * When fusion is ablated the decoder takes a plain post-norm BERT layer instead
 * ({@link PlainTextLayer}), which ignores the image. Packages never import each
 * other (except core), so the fusion layer satisfies this interface structurally.
 */
import type { tf } from '@ecamp/core';

/** Input of {@link FirstTextLayer.forward}. */
export interface FirstTextLayerInput {
  /** Text hidden states after the embeddings, [B, L, D] float32. */
  hidden: tf.Tensor3D;
  /** Text key-padding mask [B, L]: 1 = real token, 0 = padding (float32 or int32). */
  textMask: tf.Tensor2D;
  /**
   * Image patch tokens [B, M, D'] (the encoder's visible patch tokens). D' is the
   * image width the layer was built for; any projection to D belongs to the layer.
   */
  patches: tf.Tensor3D;
  /** Pooled (global-average) image token [B, D']. */
  pooled: tf.Tensor2D;
  /** When true the layer also returns its text→image attention probabilities. */
  returnAttention?: boolean;
}

/** Output of {@link FirstTextLayer.forward}. */
export interface FirstTextLayerOutput {
  /** New text hidden states, [B, L, D]. */
  hidden: tf.Tensor3D;
  /**
   * Text→image cross-attention probabilities [B, H, L, M] (rows sum to 1 over M),
   * present only when `returnAttention` was set and the layer attends to the image.
   * The SR window selection sums them over entity tokens.
   */
  attention?: tf.Tensor4D;
}

/**
 * What the text decoder needs from its first layer. Implementations are core
 * `Module`s (so the decoder can own and name their parameters, `layer.0.*` in
 * BERT naming) whose forward maps text + image to new text hidden states.
 */
export interface FirstTextLayer {
  /** Hidden width D of the text stream the layer expects and returns. */
  readonly dim: number;
  /** One layer pass; runs its own ops in `tf.tidy` where it can. */
  forward(input: FirstTextLayerInput): FirstTextLayerOutput;
}
