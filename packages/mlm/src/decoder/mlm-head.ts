/** BERT's MLM prediction head: dense → GELU → LayerNorm → vocabulary projection. */
import { gelu, LayerNorm, Linear, linearCrossEntropy, Module, Rng, tf } from '@ecamp/core';

/** The head's transform (`transform.dense`, `transform.LayerNorm`): dense → GELU → LayerNorm. */
class MlmTransform extends Module {
  readonly dense: Linear;
  readonly norm: LayerNorm;

  constructor(dim: number, eps: number, rng: Rng) {
    super();
    this.dense = this.addModule('dense', new Linear(dim, dim, { init: 'truncnormal', rng }));
    this.norm = this.addModule('LayerNorm', new LayerNorm(dim, { eps }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.norm.forward(gelu(this.dense.forward(x))));
  }
}

/**
 * Parameter names follow Hugging Face `BertLMPredictionHead`: `transform.dense`,
 * `transform.LayerNorm`, `decoder` (weight [D, V] in our layout, bias [V]).
 * The output projection is not tied to the word embeddings.
 */
export class MlmHead extends Module {
  readonly transform: MlmTransform;
  readonly decoder: Linear;

  constructor(dim: number, vocabSize: number, opts: { eps?: number; rng?: Rng } = {}) {
    super();
    const rng = opts.rng ?? new Rng(0);
    this.transform = this.addModule('transform', new MlmTransform(dim, opts.eps ?? 1e-12, rng.fork('transform')));
    this.decoder = this.addModule('decoder', new Linear(dim, vocabSize, { init: 'truncnormal', rng: rng.fork('decoder') }));
  }

  /** @param x [..., D] @returns logits [..., V] */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.decoder.forward(this.transform.forward(x)));
  }

  /**
   * Per-row cross-entropy of the logits for integer labels, equal to
   * `softmaxCrossEntropyWithIntLabels(forward(x), labels)` without a second [N, V] tensor in the
   * backward pass (core's `linearCrossEntropy`).
   * @param x [N, D] @param labels int32 [N] @returns [N]
   */
  crossEntropy(x: tf.Tensor, labels: tf.Tensor): tf.Tensor {
    return tf.tidy(() => linearCrossEntropy(this.transform.forward(x), this.decoder.weight, this.decoder.bias, labels));
  }
}
