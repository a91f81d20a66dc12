/**
 * @ecamp/downstream — the paper's downstream evaluation protocol (method.md §8):
 * metrics, classification (fine-tune and linear probe), segmentation and detection heads.
 */
export { auroc, multiLabelAuroc } from './metrics/auroc.js';
export {
  bootstrapMeanAuroc,
  bootstrapMeanAurocOverDraws,
  bootstrapRows,
  pairedBootstrapAurocDifference,
  pairedBootstrapAurocDifferenceOverDraws,
  type BootstrapInterval,
  type BootstrapOptions,
} from './metrics/bootstrap.js';
export { accuracy, argmaxRows, binaryAccuracy, topOneAccuracy } from './metrics/accuracy.js';
export { classReport, confusionMatrix, quadraticWeightedKappa, type ClassReport } from './metrics/confusion-matrix.js';
export { dice, overlapCounts, perImageDice, type MaskMetricOptions, type PerImageScores } from './metrics/dice.js';
export { boxIou, perImageMaskIou } from './metrics/iou.js';
export { checkBox, type Box } from './metrics/box.js';
export { rsnaKaggleScore } from './metrics/rsna-kaggle.js';
export {
  averagePrecision,
  detectionMap,
  precisionRecallCurve,
  RSNA_IOU_THRESHOLDS,
  authorsDetectionMap,
  type ApInterpolation,
  type ApMatching,
  type ApOptions,
  type AuthorsMapOptions,
  type ImageDetections,
} from './metrics/detection-map.js';

export { prefixTokens, tokensToFeatureMap, withoutFinalNorm, type EncoderFeatures, type FeatureEncoder, type ForwardFeaturesOptions } from './encoder.js';
export { bceWithLogits, bceWithLogitsElementwise } from './losses/bce-with-logits.js';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';

export { selectFraction, type FractionOptions } from './classification/fraction.js';
export { ClassificationHead, FEATURE_NORM_EPS, meanPatchTokens, type ClassificationHeadOptions, type FeatureStatistics } from './classification/head.js';
export { extractPooledFeatures, featureRows, featureStatistics, type ExtractFeaturesOptions, type PooledFeatures } from './classification/features.js';
export { evaluatePooledFeatures, fitLinearProbe, type FitLinearProbeOptions } from './classification/fit-probe.js';
export { solveLinearProbe, type SolveLinearProbeOptions, type SolveLinearProbeResult } from './classification/solve-probe.js';
export { classificationLoss, classificationScores, labelRows, type BatchLabels, type ClassificationTask } from './classification/task.js';
export {
  fitClassifier,
  trainableParameters,
  type ClassificationBatch,
  type ClassificationBatches,
  type ClassificationProtocol,
  type ClassifierOptimiserSettings,
  type ClassifierProgress,
  type FitClassifierOptions,
  type FitClassifierResult,
} from './classification/fit.js';
export { classificationMetrics, evaluateClassification, type ClassificationEvaluation, type EvaluateClassificationOptions } from './classification/evaluate.js';

export { focalLoss, segmentationLoss, softDice, type SegmentationLossOptions } from './segmentation/mixed-loss.js';
export { BatchNorm2d, type BatchNorm2dOptions } from './segmentation/batch-norm.js';
export { AUTHORS_SEGMENTATION_DECODER, DecoderStage, SegmentationDecoder, type SegmentationDecoderOptions } from './segmentation/decoder.js';
export { boxesToMask } from './segmentation/box-mask.js';
export {
  fitSegmenter,
  frozenFeatureMap,
  encoderFeatureMap,
  type FitSegmenterOptions,
  type FitSegmenterResult,
  type SegmentationBatch,
  type SegmentationBatches,
  type SegmenterProgress,
} from './segmentation/fit.js';
export { evaluateSegmentation, type EvaluateSegmentationOptions, type SegmentationEvaluation } from './segmentation/evaluate.js';
export {
  adamWOptions,
  authorsSchedule,
  createDownstreamOptimiser,
  createOptimiser,
  learningRateSchedule,
  type DownstreamOptimiser,
  type OptimiserSettings,
} from './training/optimiser.js';
export { Sgd, type SgdOptions } from './training/sgd.js';
export { GroupedAdamW, groupedTrainStep, vitLayerScales } from './training/layer-decay.js';
export { shouldStopAfterEpoch, type EpochEndHook } from './training/epoch-hook.js';
export { runTrainingLoop, type LoopStepReport, type TrainingLoopOptions, type TrainingLoopResult } from './training/loop.js';
export { headAndEncoderParameters, type DownstreamFitOptions, type DownstreamFitResult } from './training/fit.js';
export type { StepProgress } from './training/progress.js';

export { checkDetectionConfig, yoloV3Config, type DetectionConfig, type DetectionScale } from './detection/anchors.js';
export { decodeBox, encodeBox, shapeIou, type EncodedBox } from './detection/box-coding.js';
export { assignTargets, type DetectionTargets, type ScaleTargets } from './detection/targets.js';
export { nonMaxSuppression, type NmsOptions } from './detection/nms.js';
export { DetectionHead, DetectionScaleHead, resampleFeatureMap, type DetectionHeadOptions } from './detection/head.js';
export {
  AUTHORS_YOLO_NECK,
  Bottleneck,
  ConvBnLeaky,
  NeckBackbone,
  upsampleNearest2,
  YoloEmbedding,
  YoloNeckHead,
  yoloNeckWidths,
  type YoloNeckOptions,
  type YoloNeckWidths,
} from './detection/neck.js';
export { ignoreMask, yoloLoss, type YoloLossOptions, type YoloLossParts } from './detection/yolo-loss.js';
export { AUTHORS_DECODE, decodeAll, decodeDetections, type DecodedDetections, type DecodeOptions, type DetectionScore } from './detection/decode.js';
export {
  fitDetector,
  type DetectionBatch,
  type DetectionBatches,
  type DetectionModel,
  type DetectorProgress,
  type FitDetectorOptions,
  type FitDetectorResult,
} from './detection/fit.js';
export { evaluateDetection, type DetectionEvaluation, type EvaluateDetectionOptions } from './detection/evaluate.js';
