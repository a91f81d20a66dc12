/**
 * Renders each finding of the synthetic set where a radiologist would see it,
 * and returns its pixel mask and boxes. All functions add to (or subtract from)
 * the brightness layer `img` of a {@link ChestGeometry}; see anatomy.ts for the
 * brightness convention. Boxes are `[x1, y1, x2, y2]` in pixels, x2/y2 exclusive.
 */
import type { Rng } from '@ecamp/io';
import type { ChestGeometry, Side } from './anatomy.js';
import type { Device, FindingSpec, Lobe } from './prior.js';
import { boxBlur, maskBox, newLayer, quadBezier, smoothNoise, strokeMax, type Point } from './raster.js';

/** Box `[x1, y1, x2, y2]` in pixels (x2, y2 exclusive). */
export type Box = [number, number, number, number];

/** A rendered finding: its spec, a binary mask (`size × size`), boxes and report facts. */
export interface RenderedFinding {
  spec: FindingSpec;
  /** 1 where the finding is visible. */
  mask: Uint8Array;
  /** One box per instance (per side, per nodule, per device). */
  boxes: Box[];
  /** Measured facts for the report, e.g. `{ sizeMm: 12 }` or `{ ettAboveCarinaCm: 4 }`. */
  facts: Record<string, number | string>;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const smoothstep = (a: number, b: number, x: number) => {
  const t = clamp01((x - a) / (b - a));
  return t * t * (3 - 2 * t);
};

/** Heart-size scale for the cardiomegaly severity (1 = normal). */
export function heartScaleFor(specs: FindingSpec[]): number {
  const c = specs.find((s) => s.label === 'cardiomegaly');
  if (!c || c.label !== 'cardiomegaly') return 1;
  return { mild: 1.24, moderate: 1.34, severe: 1.46 }[c.severity];
}

/** Millimetres per pixel, assuming the image spans a 40 cm field of view. */
export const mmPerPixel = (size: number) => 400 / size;

function boxesOfSides(g: ChestGeometry, mask: Uint8Array, sides: Side[]): Box[] {
  const out: Box[] = [];
  for (const side of sides) {
    const m = new Uint8Array(mask.length);
    for (let i = 0; i < m.length; i++) m[i] = mask[i] & g.lung[side][i];
    const b = maskBox(m, g.size);
    if (b) out.push(b);
  }
  return out;
}

/** Cardiomegaly: the heart was already enlarged by the geometry; the mask is the heart silhouette. */
export function cardiomegalyMask(g: ChestGeometry, spec: FindingSpec): RenderedFinding {
  const mask = new Uint8Array(g.size * g.size);
  for (let i = 0; i < mask.length; i++) mask[i] = g.heartSoft[i] > 0.5 ? 1 : 0;
  const box = maskBox(mask, g.size);
  return { spec, mask, boxes: box ? [box] : [], facts: { ctr: (2 * g.heart.rx) / g.thoraxWidthPx } };
}

/**
 * Pneumothorax region: the lung collapses towards its hilum, mostly from the
 * apex and the lateral wall (an upright patient), leaving a lucent space with no
 * vessels bounded by a thin visceral pleural line.
 */
export function pneumothoraxRegion(g: ChestGeometry, spec: Extract<FindingSpec, { label: 'pneumothorax' }>): Uint8Array {
  const f0 = { small: 0.88, moderate: 0.76, large: 0.6 }[spec.size];
  const { size } = g;
  const h = g.toTemplate(g.hilum[spec.side].x, g.hilum[spec.side].y);
  const region = new Uint8Array(size * size);
  const lung = g.lung[spec.side];
  for (let y = 0; y < size; y++) {
    const v = g.vOf(y);
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      if (!lung[i]) continue;
      const u = g.uOf(x);
      // Collapse factor: full at the apex, fading out towards the base; less sideways than vertical.
      const f = f0 + (1 - f0) * smoothstep(h.v, h.v + 0.22, v);
      const fx = 1 - (1 - f) * 0.75;
      // (u, v) lies in the collapsed lung iff its pre-image under the collapse lies in the lung.
      region[i] = g.inLungTemplate(spec.side, h.u + (u - h.u) / fx, h.v + (v - h.v) / f) ? 0 : 1;
    }
  }
  return region;
}

/** Darkens the pneumothorax space and draws the visceral pleural line. */
export function renderPneumothorax(
  g: ChestGeometry,
  img: Float32Array,
  region: Uint8Array,
  spec: Extract<FindingSpec, { label: 'pneumothorax' }>,
): RenderedFinding {
  const { size } = g;
  const line = newLayer(size);
  const lung = g.lung[spec.side];
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const i = y * size + x;
      if (!lung[i] || region[i]) continue;
      if (region[i - 1] || region[i + 1] || region[i - size] || region[i + size]) line[i] = 1;
    }
  }
  const lineSoft = boxBlur(line, size, 1, 1);
  for (let i = 0; i < img.length; i++) {
    if (region[i]) img[i] -= 0.07 * g.lungSoft[i];
    img[i] += 0.3 * lineSoft[i];
  }
  const box = maskBox(region, size);
  return { spec, mask: region, boxes: box ? [box] : [], facts: {} };
}

/**
 * Pleural effusion: dependent fluid in the lung base with a meniscus that
 * climbs the lateral wall. Small blunts the costophrenic angle, moderate hides
 * the lateral hemidiaphragm, large reaches the mid lung.
 */
export function renderEffusion(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'pleural_effusion' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const mask = new Uint8Array(size * size);
  const fluid = newLayer(size);
  for (const side of spec.sides) {
    // Fluid level relative to the dome top (template v), and how far the meniscus climbs laterally.
    const [below, rise] = { small: [0.07, 0.05], moderate: [-0.03, 0.09], large: [-0.14, 0.12] }[spec.size];
    const level = g.domeV[side] + below * rng.uniform(0.85, 1.15);
    const cp = g.cpV[side];
    const lung = g.lung[side];
    for (let y = 0; y < size; y++) {
      const v = g.vOf(y);
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        // Fill the soft lung edge too, else the lung's blurred rim stays dark around the fluid.
        if (g.lungSoft[i] <= 0) continue;
        const u = g.uOf(x);
        if (u < 0.5 !== (side === 'right')) continue;
        const lat = g.lateralness(side, u);
        const top = Math.min(level, cp - 0.03) - rise * lat ** 2;
        const a = smoothstep(top, top + 0.025, v);
        if (a > 0) fluid[i] = Math.max(fluid[i], a);
        if (lung[i] && v >= top + 0.006) mask[i] = 1;
      }
    }
  }
  const soft = fluid;
  // Fluid is as dense as soft tissue: it cancels the lung's darkness.
  for (let i = 0; i < img.length; i++) img[i] += 0.36 * soft[i] * g.lungSoft[i] * (1 - g.heartSoft[i]);
  return { spec, mask, boxes: boxesOfSides(g, mask, spec.sides), facts: {} };
}

const LOBE_CENTRES: Record<Lobe, { side: Side; u: number; v: number }> = {
  'right upper lobe': { side: 'right', u: 0.3, v: 0.25 },
  'right middle lobe': { side: 'right', u: 0.37, v: 0.52 },
  'right lower lobe': { side: 'right', u: 0.25, v: 0.62 },
  'left upper lobe': { side: 'left', u: 0.7, v: 0.28 },
  'left lower lobe': { side: 'left', u: 0.76, v: 0.63 },
};

/** Consolidation: a lumpy airspace opacity in one lobe with a few air bronchograms. */
export function renderConsolidation(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'consolidation' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const c = LOBE_CENTRES[spec.lobe];
  const spread = { patchy: 0.075, focal: 0.05, dense: 0.085 }[spec.extent];
  const field = newLayer(size);
  const blobs = 4 + rng.int(4);
  for (let b = 0; b < blobs; b++) {
    const p = g.toPx(c.u + rng.normal(0, spread * 0.6), c.v + rng.normal(0, spread * 0.6));
    const s = size * spread * rng.uniform(0.4, 0.8);
    for (let y = Math.max(0, Math.floor(p.y - 3 * s)); y < Math.min(size, p.y + 3 * s); y++) {
      for (let x = Math.max(0, Math.floor(p.x - 3 * s)); x < Math.min(size, p.x + 3 * s); x++) {
        field[y * size + x] += Math.exp(-((x - p.x) ** 2 + (y - p.y) ** 2) / (2 * s * s));
      }
    }
  }
  const tex = smoothNoise(size, Math.max(2, size / 100), () => rng.uniform());
  const lung = g.lung[c.side];
  const mask = new Uint8Array(size * size);
  const dens = newLayer(size);
  const amp = { patchy: 0.2, focal: 0.24, dense: 0.3 }[spec.extent];
  for (let i = 0; i < field.length; i++) {
    if (!lung[i]) continue;
    // Texture modulates the blobs multiplicatively: far from every blob the field stays 0, so the mask stays compact.
    const f = field[i] * (1 + 0.3 * Math.max(-2, Math.min(2, tex[i])));
    if (f > 0.6) mask[i] = 1;
    dens[i] = smoothstep(0.35, 0.9, f) * (spec.extent === 'patchy' ? Math.max(0.5, Math.min(1.1, 0.8 + 0.2 * tex[i])) : 1);
  }
  const soft = boxBlur(dens, size, 2, 2);
  for (let i = 0; i < img.length; i++) img[i] += amp * soft[i];
  // Air bronchograms: short dark branching lines inside dense consolidation.
  const box = maskBox(mask, size);
  if (box && spec.extent !== 'patchy') {
    const bron = newLayer(size);
    const h = g.hilum[c.side];
    for (let k = 0; k < 3; k++) {
      const tx = box[0] + rng.uniform(0.2, 0.8) * (box[2] - box[0]);
      const ty = box[1] + rng.uniform(0.2, 0.8) * (box[3] - box[1]);
      const start = { x: tx + (h.x - tx) * 0.3, y: ty + (h.y - ty) * 0.3 };
      strokeMax(bron, size, quadBezier(start, { x: (start.x + tx) / 2 + rng.normal(0, 3), y: (start.y + ty) / 2 }, { x: tx, y: ty }), 1.3, 1);
    }
    for (let i = 0; i < img.length; i++) if (mask[i]) img[i] -= 0.08 * bron[i];
  }
  return { spec, mask, boxes: box ? [box] : [], facts: {} };
}

/** Nodules (round, ≤ 3 cm) or a mass (lobulated, > 3 cm) inside a lung, away from the heart. */
export function renderNodule(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'nodule' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const mmpp = mmPerPixel(size);
  const mask = new Uint8Array(size * size);
  const dens = newLayer(size);
  const boxes: Box[] = [];
  let sizeMm = 0;
  let location = 'lung';
  for (let n = 0; n < spec.count; n++) {
    const diamMm = spec.kind === 'mass' ? rng.uniform(35, 60) : rng.uniform(9, 24);
    const r = diamMm / mmpp / 2;
    sizeMm = Math.max(sizeMm, diamMm);
    // Rejection-sample a centre well inside a lung and off the heart.
    let centre: Point | null = null;
    for (let tries = 0; tries < 200 && !centre; tries++) {
      const x = Math.floor(rng.uniform(0, size));
      const y = Math.floor(rng.uniform(0, size));
      const ok = [
        [0, 0],
        [r, 0],
        [-r, 0],
        [0, r],
        [0, -r],
      ].every(([ox, oy]) => {
        const xi = Math.round(x + ox);
        const yi = Math.round(y + oy);
        if (xi < 0 || yi < 0 || xi >= size || yi >= size) return false;
        const i = yi * size + xi;
        return (g.lung.left[i] || g.lung.right[i]) && g.heartSoft[i] < 0.05;
      });
      if (ok) centre = { x, y };
    }
    if (!centre) continue;
    if (n === 0) {
      const t = g.toTemplate(centre.x, centre.y);
      const zone = t.v < 0.33 ? 'upper' : t.v < 0.5 ? 'mid' : 'lower';
      location = `${t.u < 0.5 ? 'right' : 'left'} ${zone} lung`;
    }
    const lobes = spec.kind === 'mass' ? 3 : 1;
    const parts: { p: Point; r: number }[] = [{ p: centre, r }];
    for (let k = 1; k < lobes; k++)
      parts.push({ p: { x: centre.x + rng.normal(0, r * 0.35), y: centre.y + rng.normal(0, r * 0.35) }, r: r * rng.uniform(0.6, 0.85) });
    for (const part of parts) strokeMax(dens, size, [part.p], part.r, 1, (t) => smoothstep(1, 0.75, t) * (0.85 + 0.15 * (1 - t * t)));
    const single = new Uint8Array(size * size);
    for (let i = 0; i < dens.length; i++) if (dens[i] > 0.5 && !mask[i]) single[i] = 1;
    const b = maskBox(single, size);
    if (b) boxes.push(b);
    for (let i = 0; i < single.length; i++) mask[i] |= single[i];
  }
  for (let i = 0; i < img.length; i++) img[i] += 0.26 * dens[i];
  return { spec, mask, boxes, facts: { sizeMm: Math.round(sizeMm), location } };
}

/** Pulmonary edema: bilateral perihilar ("bat-wing") haze, Kerley B lines when moderate or worse. */
export function renderEdema(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'edema' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const amp = { mild: 0.12, moderate: 0.17, severe: 0.23 }[spec.severity];
  const tex = smoothNoise(size, Math.max(3, size / 60), () => rng.uniform());
  const haze = newLayer(size);
  const mask = new Uint8Array(size * size);
  const sx = size * 0.13;
  const sy = size * 0.15;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const l = g.lungSoft[i];
      if (l <= 0) continue;
      let hmax = 0;
      for (const side of ['right', 'left'] as const) {
        const h = g.hilum[side];
        hmax = Math.max(hmax, Math.exp(-((x - h.x) ** 2) / (2 * sx * sx) - (y - h.y) ** 2 / (2 * sy * sy)));
      }
      const v = hmax * (0.8 + 0.2 * tex[i]);
      haze[i] = v * l;
      if (v > 0.45 && (g.lung.left[i] || g.lung.right[i])) mask[i] = 1;
    }
  }
  for (let i = 0; i < img.length; i++) img[i] += amp * haze[i];
  if (spec.severity !== 'mild') {
    const lines = newLayer(size);
    for (const side of ['right', 'left'] as const) {
      for (let k = 0; k < 5; k++) {
        const v = g.cpV[side] - 0.04 - k * 0.022;
        const uWall = g.mirror(side, 0.11 + 0.6 * (v - 0.55) ** 2);
        const a = g.toPx(uWall, v);
        const len = size * rng.uniform(0.02, 0.035) * (side === 'right' ? 1 : -1);
        strokeMax(lines, size, quadBezier(a, { x: a.x + len / 2, y: a.y }, { x: a.x + len, y: a.y + rng.normal(0, 1) }), 0.9, 0.07);
      }
    }
    for (let i = 0; i < img.length; i++) img[i] += lines[i] * g.lungSoft[i];
  }
  return { spec, mask, boxes: boxesOfSides(g, mask, ['right', 'left']), facts: {} };
}

/** Atelectasis: a plate-like or subsegmental linear band in the lower zone. */
export function renderAtelectasis(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'atelectasis' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const band = newLayer(size);
  for (const side of spec.sides) {
    const v = g.cpV[side] - rng.uniform(0.12, 0.18);
    const u0 = g.mirror(side, rng.uniform(0.16, 0.22));
    const u1 = g.mirror(side, rng.uniform(0.33, 0.38));
    const tilt = rng.uniform(-0.03, 0.03);
    const a = g.toPx(u0, v - tilt);
    const b = g.toPx(u1, v + tilt);
    const thick = size * (spec.kind === 'plate-like' ? 0.008 : 0.012);
    strokeMax(band, size, quadBezier(a, { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 + rng.normal(0, 2) }, b), thick, 1, (r) => 1 - r * r);
  }
  const soft = boxBlur(band, size, 1, 1);
  const mask = new Uint8Array(size * size);
  const amp = spec.kind === 'plate-like' ? 0.22 : 0.15;
  for (let i = 0; i < img.length; i++) {
    const inLung = g.lung.left[i] || g.lung.right[i];
    if (!inLung) continue;
    img[i] += amp * soft[i];
    if (soft[i] > 0.3) mask[i] = 1;
  }
  return { spec, mask, boxes: boxesOfSides(g, mask, spec.sides), facts: {} };
}

/** Radiopaque support devices (tubes, lines, pacemaker), drawn bright on top of everything. */
export function renderDevices(g: ChestGeometry, img: Float32Array, spec: Extract<FindingSpec, { label: 'support_devices' }>, rng: Rng): RenderedFinding {
  const { size } = g;
  const all = newLayer(size);
  const boxes: Box[] = [];
  const facts: Record<string, number | string> = {};
  const tube = (r: number) => (r > 0.6 ? 1 : 0.45);
  for (const d of spec.devices as Device[]) {
    const layer = newLayer(size);
    if (d === 'endotracheal tube') {
      const tipV = rng.uniform(0.2, 0.29);
      strokeMax(layer, size, quadBezier(g.toPx(0.5, -0.01), g.toPx(0.502, tipV / 2), g.toPx(0.5, tipV)), size * 0.009, 0.5, tube);
      facts.ettAboveCarinaCm = Math.max(1, Math.round(((0.33 - tipV) * size * mmPerPixel(size)) / 10));
    } else if (d === 'nasogastric tube') {
      const pts = [
        ...quadBezier(g.toPx(0.505, -0.01), g.toPx(0.515, 0.35), g.toPx(0.52, 0.62)),
        ...quadBezier(g.toPx(0.52, 0.62), g.toPx(0.56, 0.8), g.toPx(rng.uniform(0.6, 0.66), g.cpV.left + 0.04)),
      ];
      strokeMax(layer, size, pts, size * 0.004, 0.55, (r) => (r < 0.5 ? 1 : 0.5));
    } else if (d === 'central venous catheter') {
      const tip = g.toPx(0.455, rng.uniform(0.3, 0.38));
      strokeMax(layer, size, quadBezier(g.toPx(0.2, 0.14), g.toPx(0.42, 0.15), tip), size * 0.0035, 0.5);
    } else {
      const gen = g.toPx(0.77, 0.15);
      const w = size * 0.035;
      const hgt = size * 0.025;
      for (let y = Math.floor(gen.y - hgt); y < gen.y + hgt; y++) {
        for (let x = Math.floor(gen.x - w); x < gen.x + w; x++) {
          const e = ((x - gen.x) / w) ** 4 + ((y - gen.y) / hgt) ** 4;
          if (e < 1 && x >= 0 && y >= 0 && x < size && y < size) layer[y * size + x] = 0.75;
        }
      }
      const lead = [...quadBezier(gen, g.toPx(0.62, 0.22), g.toPx(0.5, 0.4)), ...quadBezier(g.toPx(0.5, 0.4), g.toPx(0.5, 0.58), g.toPx(0.6, 0.66))];
      strokeMax(layer, size, lead, size * 0.0035, 0.6);
    }
    const m = new Uint8Array(size * size);
    for (let i = 0; i < m.length; i++) {
      if (layer[i] > 0) m[i] = 1;
      if (layer[i] > all[i]) all[i] = layer[i];
    }
    const b = maskBox(m, size);
    if (b) boxes.push(b);
  }
  const soft = boxBlur(all, size, 1, 1);
  const mask = new Uint8Array(size * size);
  for (let i = 0; i < img.length; i++) {
    img[i] += soft[i];
    if (all[i] > 0) mask[i] = 1;
  }
  return { spec, mask, boxes, facts };
}
