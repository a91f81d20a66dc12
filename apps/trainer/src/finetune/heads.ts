/**
 * The head of each task as the authors build it, and the fine-tuning checkpoint: the head's
 * state (BatchNorm statistics included), the encoder's when it trained, and a JSON
 * description of everything `ecamp eval` needs to rebuild and score it.
 */
import { readSafetensors, Rng, writeSafetensors, type Module, type Parameter, type TensorData } from '@ecamp/core';
import {
  AUTHORS_SEGMENTATION_DECODER,
  ClassificationHead,
  SegmentationDecoder,
  YoloNeckHead,
  yoloNeckWidths,
  yoloV3Config,
  type DetectionModel,
} from '@ecamp/downstream';
import type { VisionTransformer } from '@ecamp/vision';
import type { EncoderInfo } from './encoder.js';
import type { LabelSpace } from './data.js';
import type { FinetuneOptions, FinetuneProtocol, FinetuneTask } from './options.js';

/** What a checkpoint's head is, enough to rebuild it. */
export interface HeadSpec {
  task: FinetuneTask;
  protocol: FinetuneProtocol;
  /** Token width D. */
  embedDim: number;
  imageSize: number;
  colour: 'grey' | 'rgb';
  finalNorm: boolean;
  /** Classification. */
  labels?: LabelSpace;
  /** Segmentation: decoder widths. */
  decoderWidths?: number[];
  /** Detection: neck width multiplier and bottleneck expansion. */
  headWidth?: number;
  expansion?: number;
}

/** The heads the three tasks train. */
export type TaskHead = ClassificationHead | SegmentationDecoder | (YoloNeckHead & DetectionModel);

/** The spec of the head `options` ask for. */
export function headSpec(options: FinetuneOptions, embedDim: number, labels?: LabelSpace): HeadSpec {
  const base = { task: options.task, protocol: options.protocol, embedDim, imageSize: options.imageSize, colour: options.colour, finalNorm: options.finalNorm };
  if (options.task === 'classification') return { ...base, labels };
  if (options.task === 'segmentation') return { ...base, decoderWidths: options.decoderWidths };
  // The authors use expansion 8 for their 1 % and 10 % runs, 4 for 100 %.
  return { ...base, headWidth: options.headWidth, expansion: options.fraction === 100 ? 4 : 8 };
}

/**
 * Builds the head of `spec`: classification — mean of the patch tokens → LayerNorm → Linear
 * (with `linear-probe`, MAE's probe head with the feature standardisation); segmentation — the
 * authors' decoder (`seg_head`, widths, 3×3 final conv, align-corners); detection — the
 * authors' YOLOv3 neck (`det_head`, bottleneck maps, top-down embeddings, their anchors).
 */
export function buildHead(spec: HeadSpec, seed: number): TaskHead {
  const rng = new Rng(seed).fork(`head:${spec.task}`);
  if (spec.task === 'classification') {
    if (!spec.labels) throw new Error('buildHead: classification needs its label space');
    return new ClassificationHead(spec.embedDim, spec.labels.numClasses, { rng, featureNorm: spec.protocol === 'linear-probe' });
  }
  if (spec.task === 'segmentation') {
    return new SegmentationDecoder(spec.embedDim, {
      ...AUTHORS_SEGMENTATION_DECODER,
      channels: spec.decoderWidths ?? [...AUTHORS_SEGMENTATION_DECODER.channels!],
      rng,
    });
  }
  const expansion = spec.expansion ?? 4;
  return new YoloNeckHead(spec.embedDim, yoloV3Config(spec.imageSize, 1), { widths: yoloNeckWidths(spec.headWidth ?? 1, expansion), expansion, rng });
}

/** Metadata of a fine-tuning checkpoint (stored as JSON under `finetune`). */
export interface CheckpointMeta {
  format: 'ecamp-finetune-1';
  head: HeadSpec;
  encoder: EncoderInfo;
  /** Whether `encoder.*` tensors are in the file (the encoder trained). */
  encoderWeights: boolean;
  /** `best-validation` or `last-epoch`. */
  selected: 'best-validation' | 'last-epoch';
  /** 1-based epoch of the weights. */
  epoch: number;
  /** Validation metric of the weights, when there was validation data. */
  validation?: { metric: string; value: number };
}

function stateOf(module: { namedParameters(): Parameter[] }, prefix = ''): Record<string, import('@ecamp/core').tf.Variable> {
  return Object.fromEntries(module.namedParameters().map((p) => [`${prefix}${p.name}`, p.variable]));
}

/** Writes the head (and the encoder, when it trained) atomically with its metadata. */
export function saveFinetuneCheckpoint(path: string, head: Module, vit: VisionTransformer, meta: CheckpointMeta): void {
  const tensors = { ...stateOf(head, 'head.'), ...(meta.encoderWeights ? stateOf(vit, 'encoder.') : {}) };
  writeSafetensors(path, tensors, { finetune: JSON.stringify(meta) });
}

/** Reads a fine-tuning checkpoint: its metadata and tensors split into head and encoder. */
export function readFinetuneCheckpoint(path: string): { meta: CheckpointMeta; head: Record<string, TensorData>; encoder: Record<string, TensorData> } {
  const { tensors, metadata } = readSafetensors(path);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(metadata.finetune ?? 'null') as CheckpointMeta;
  } catch {
    throw new Error(`${path}: the "finetune" metadata is not JSON`);
  }
  if (!meta || meta.format !== 'ecamp-finetune-1')
    throw new Error(`${path}: not an 'ecamp finetune' checkpoint (no finetune metadata of format ecamp-finetune-1)`);
  const head: Record<string, TensorData> = {};
  const encoder: Record<string, TensorData> = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (k.startsWith('head.')) head[k.slice(5)] = v;
    else if (k.startsWith('encoder.')) encoder[k.slice(8)] = v;
  }
  return { meta, head, encoder };
}
