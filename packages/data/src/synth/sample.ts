/**
 * One synthetic frontal chest radiograph with its report, multi-label target,
 * per-finding masks and boxes, fully determined by `(seed, index)`.
 */
import { deriveSeed, Rng } from '@ecamp/io';
import { buildGeometry, finishExposure, renderBones, renderSoftTissue, renderVessels } from './anatomy.js';
import {
  cardiomegalyMask,
  heartScaleFor,
  pneumothoraxRegion,
  renderAtelectasis,
  renderConsolidation,
  renderDevices,
  renderEdema,
  renderEffusion,
  renderNodule,
  renderPneumothorax,
  type Box,
  type RenderedFinding,
} from './findings.js';
import { LABEL_NAMES, sampleFindingSpecs, type FindingSpec, type LabelName } from './prior.js';
import { writeReport } from './report.js';
import { contextWindow, type ContextWindow } from './window.js';

/** One finding of a synthetic sample, with where it is. */
export interface SynthFinding {
  /** Label name (one of LABEL_NAMES). */
  label: LabelName;
  /** Descriptors the renderer used (size, side, lobe, severity, devices …). */
  spec: FindingSpec;
  /** Binary mask, `height × width` row-major, 1 where the finding is visible. */
  mask: Uint8Array;
  /** Boxes `[x1, y1, x2, y2]` in pixels (x2, y2 exclusive), one per instance. */
  boxes: Box[];
}

/** A synthetic sample held in memory. */
export interface SynthSample {
  /** Stable id, `synth-<seed>-<index>` zero-padded. */
  id: string;
  /** 8-bit grey pixels, `height × width` row-major. */
  image: Uint8Array;
  width: number;
  height: number;
  /** Full report, `FINDINGS: … IMPRESSION: …`. */
  report: string;
  /** FINDINGS section alone. */
  findingsText: string;
  /** IMPRESSION section alone. */
  impression: string;
  /** Multi-hot target in LABEL_NAMES order. */
  labels: number[];
  /** Present findings with masks and boxes. */
  findings: SynthFinding[];
  /**
   * Context window for super-resolution: the 12×12 sub-grid `(i = row, j = column)`,
   * i, j ∈ {0, 1, 2}, of the 14×14 patch grid of the image resized to 448, that
   * covers the most finding-mask pixels (centre (1, 1) for normal images).
   */
  window: ContextWindow;
  /**
   * Normal lung fields as drawn before any finding, `height × width`:
   * 0 outside, 1 the patient's right lung (image left), 2 the left lung.
   * Useful for lung-zone probes and as a lung-segmentation target.
   */
  lungMask: Uint8Array;
}

/** Options of {@link synthesizeSample}. */
export interface SynthSampleOptions {
  /** Side length in pixels, 448…512 (default 512). */
  size?: number;
}

/** Formats the id of sample `index` of seed `seed`. */
export function synthId(seed: number, index: number): string {
  return `synth-${seed}-${String(index).padStart(6, '0')}`;
}

/** Renders sample `index` of the set with `seed`; the same arguments always give the same bytes. */
export function synthesizeSample(seed: number, index: number, options: SynthSampleOptions = {}): SynthSample {
  const size = options.size ?? 512;
  if (!Number.isInteger(size) || size < 448 || size > 512) throw new Error(`synthesizeSample: size must be an integer in 448..512, got ${size}`);
  if (!Number.isInteger(index) || index < 0) throw new Error(`synthesizeSample: index must be a non-negative integer, got ${index}`);
  const rng = Rng.sfc32(deriveSeed(seed, index));
  const specs = sampleFindingSpecs(rng);
  const g = buildGeometry(rng, size, heartScaleFor(specs));
  const img = renderSoftTissue(g, rng);
  const rendered: RenderedFinding[] = [];

  // The pneumothorax space must be known before the vessels: it has none.
  const allow = new Uint8Array(size * size);
  for (let i = 0; i < allow.length; i++) allow[i] = g.lung.left[i] | g.lung.right[i];
  const ptx = specs.find((s) => s.label === 'pneumothorax');
  let ptxRegion: Uint8Array | null = null;
  if (ptx && ptx.label === 'pneumothorax') {
    ptxRegion = pneumothoraxRegion(g, ptx);
    for (let i = 0; i < allow.length; i++) if (ptxRegion[i]) allow[i] = 0;
  }
  renderVessels(g, rng, img, allow);

  for (const spec of specs) {
    switch (spec.label) {
      case 'cardiomegaly':
        rendered.push(cardiomegalyMask(g, spec));
        break;
      case 'pneumothorax':
        rendered.push(renderPneumothorax(g, img, ptxRegion!, spec));
        break;
      case 'pleural_effusion':
        rendered.push(renderEffusion(g, img, spec, rng));
        break;
      case 'consolidation':
        rendered.push(renderConsolidation(g, img, spec, rng));
        break;
      case 'nodule':
        rendered.push(renderNodule(g, img, spec, rng));
        break;
      case 'edema':
        rendered.push(renderEdema(g, img, spec, rng));
        break;
      case 'atelectasis':
        rendered.push(renderAtelectasis(g, img, spec, rng));
        break;
      case 'support_devices':
        break; // drawn after the bones: metal is on top.
    }
  }
  renderBones(g, rng, img);
  const dev = specs.find((s) => s.label === 'support_devices');
  if (dev && dev.label === 'support_devices') rendered.push(renderDevices(g, img, dev, rng));
  const image = finishExposure(img, size, rng);
  const report = writeReport(rendered, rng);
  const present = new Set(rendered.map((r) => r.spec.label));
  const findings: SynthFinding[] = rendered.map((r) => ({ label: r.spec.label, spec: r.spec, mask: r.mask, boxes: r.boxes }));
  // Cardiomegaly and devices do not steer the window: it should follow lung findings.
  const windowMasks = findings.filter((f) => f.label !== 'cardiomegaly' && f.label !== 'support_devices').map((f) => f.mask);
  return {
    id: synthId(seed, index),
    image,
    width: size,
    height: size,
    report: report.text,
    findingsText: report.findings,
    impression: report.impression,
    labels: LABEL_NAMES.map((l) => (present.has(l) ? 1 : 0)),
    findings,
    window: contextWindow(windowMasks, size, size),
    lungMask: g.lung.right.map((r, i) => (r ? 1 : g.lung.left[i] ? 2 : 0)),
  };
}
