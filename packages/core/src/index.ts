/**
 * @ecamp/core — tensor runtime of ECAMP.ts: backend choice, modules and layers, kernels with
 * gradients on every backend, AdamW and schedules, seeded RNG, safetensors checkpoints.
 * @packageDocumentation
 */

/** The set-up TensorFlow.js namespace (gradients and chained ops registered, wasm backend available). */
export { tf } from './tf.js';
export { BACKEND_NAMES, initBackend, type BackendInfo, type BackendName, type InitBackendOptions } from './backend.js';

/** The seeded generator, from `@ecamp/io` (re-exported here for tensor code). */
export { Rng, type RngState } from '@ecamp/io/rng';
export { xavierUniform, truncNormal, uniformInit, zeros, ones, type Initializer } from './init.js';
export { isTensorData, tensorFromData, tensorToData, type TensorData } from './tensor-data.js';
export { Module, ModuleList, type Parameter, type AddParameterOptions, type LoadStateDictOptions } from './module.js';

export { linear } from './kernels/linear.js';
export { gatherRows } from './kernels/gather-rows.js';
export { scatterAddRows } from './kernels/scatter-add-rows.js';
export { takeAlongAxis1 } from './kernels/take-along-axis.js';
export { linearCrossEntropy, softmaxCrossEntropyWithIntLabels } from './kernels/softmax-cross-entropy.js';
export { depthToSpace, pixelShuffle } from './kernels/pixel-shuffle.js';
export { stridedSlice } from './kernels/strided-slice.js';
export { topK } from './kernels/top-k.js';
export { resizeBilinear } from './kernels/resize-bilinear.js';
export { gelu } from './kernels/gelu.js';
export { layerNorm } from './kernels/layer-norm.js';
export { conv2d, type Conv2dOptions, type Conv2dPadding } from './kernels/conv2d.js';
export { cropWindows, type CropOrigin } from './kernels/crop-windows.js';
export { scaledDotProductAttention, type AttentionCoreResult, type AttentionCoreOptions } from './kernels/attention.js';
export { batchMatMul, batchMatMulT, type BatchMatMulStrategy } from './kernels/batch-matmul.js';
export { customOp, type CustomOpForward } from './kernels/custom-op.js';

export { Linear, type LinearOptions } from './layers/linear.js';
export { AffineNorm } from './layers/affine-norm.js';
export { LayerNorm, type LayerNormOptions } from './layers/layer-norm.js';
export { Embedding, type EmbeddingOptions } from './layers/embedding.js';
export { MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionForwardOptions, type AttentionOutput } from './layers/attention.js';
export { Mlp, type MlpOptions } from './layers/mlp.js';
export { TransformerBlock, type TransformerBlockOptions } from './layers/transformer-block.js';
export { Conv2d, type Conv2dLayerOptions } from './layers/conv2d.js';
export { Dropout } from './layers/dropout.js';

export { AdamW, type AdamWOptions, type AdamWStepOptions, type StepReport } from './optim/adamw.js';
export { cosineWithWarmup, type CosineScheduleOptions } from './optim/schedule.js';
export { clipGradNorm } from './optim/clip-grad-norm.js';
export { globalNorm, type NamedGrads } from './optim/grads.js';
export { GradientAccumulator } from './optim/gradient-accumulator.js';
export { trainStep, namedGradients, disposeGrads, type TrainStepOptions, type TrainStepResult } from './optim/train-step.js';

export { readSafetensors, writeSafetensors, type WritableTensor } from './io/safetensors.js';
export { parseSafetensors, type SafetensorsFile } from './io/safetensors-parse.js';
export { saveCheckpoint, loadCheckpoint, OPTIMIZER_PREFIX, type SaveCheckpointOptions, type LoadCheckpointOptions } from './io/checkpoint.js';
export { torchLinearToTf, torchConvToTf } from './io/torch.js';

export { checkGradients, checkParameterGradients, type GradCheckOptions, type GradCheckResult } from './testing/grad-check.js';
export { gradStepTensorLeak } from './testing/leak-check.js';
