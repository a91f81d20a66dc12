/**
 * Geometry and rendering of the normal anatomy of the synthetic frontal chest
 * radiograph (PA view, patient facing the viewer: the patient's RIGHT side is
 * on the image LEFT).
 *
 * Shapes are defined in a normalised "template" frame (u, v) ∈ [0, 1]² and
 * mapped to pixels with a per-image positioning jitter (scale and shift), so
 * every image differs slightly in patient size and centring.
 *
 * Brightness convention (display values, later mapped to 8-bit): 0 = black
 * (air outside the body), 1 = white (metal). Soft tissue ≈ 0.5, aerated lung
 * ≈ 0.15–0.25, bone adds ≈ 0.1–0.2.
 */
import type { Rng } from '@ecamp/io';
import { boxBlur, newLayer, quadBezier, smoothNoise, strokeMax, type Point } from './raster.js';

/** Which lung: the patient's right (image left) or left (image right). */
export type Side = 'right' | 'left';

/** Per-lung shape parameters in the template frame (mirrored for the left lung). */
interface LungShape {
  apexV: number;
  apexU: number;
  latMin: number;
  medMax: number;
  cpV: number; // costophrenic angle height
  peakV: number; // dome top
}

/** Geometry of one synthetic chest, shared by anatomy and findings renderers. */
export interface ChestGeometry {
  /** Image side length in pixels (square images). */
  size: number;
  /** Template → pixel mapping. */
  toPx(u: number, v: number): Point;
  /** Pixel → template mapping (inverse of toPx). */
  toTemplate(x: number, y: number): { u: number; v: number };
  /** Template u of pixel column x (centre at x + 0.5); allocation-free for per-pixel loops. */
  uOf(x: number): number;
  /** Template v of pixel row y (centre at y + 0.5). */
  vOf(y: number): number;
  /** Hard lung masks (1 inside), `size × size`, per side. */
  lung: Record<Side, Uint8Array>;
  /** Soft (blurred) union of both lungs in [0, 1]. */
  lungSoft: Float32Array;
  /** Soft heart silhouette in [0, 1]. */
  heartSoft: Float32Array;
  /** Heart ellipse in pixels. */
  heart: { cx: number; cy: number; rx: number; ry: number };
  /** Hilum points in pixels. */
  hilum: Record<Side, Point>;
  /** Template-space lung membership, for collapsed-lung computations. */
  inLungTemplate(side: Side, u: number, v: number): boolean;
  /** Costophrenic-angle height (template v) per side. */
  cpV: Record<Side, number>;
  /** Height of the top of each hemidiaphragm dome (template v). */
  domeV: Record<Side, number>;
  /** Lateralness in [0, 1] of template u within a lung (1 = lateral chest wall). */
  lateralness(side: Side, u: number): number;
  /** Inner thoracic width in pixels (for the cardiothoracic ratio). */
  thoraxWidthPx: number;
  /** Mirror of template u for the given side (identity for the right lung). */
  mirror(side: Side, u: number): number;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const smoothstep = (a: number, b: number, x: number) => {
  const t = clamp01((x - a) / (b - a));
  return t * t * (3 - 2 * t);
};

function insideLungShape(s: LungShape, u: number, v: number): boolean {
  if (v < s.apexV) return false;
  const t = (v - s.apexV) / 0.25;
  let uLat = s.latMin + (s.apexU - s.latMin) * (1 - Math.sqrt(clamp01(t)));
  if (v > 0.55) uLat += 0.6 * (v - 0.55) * (v - 0.55);
  const uMed = s.apexU + (s.medMax - s.apexU) * Math.sqrt(clamp01((v - s.apexV) / 0.12));
  if (u < uLat || u > uMed) return false;
  // Diaphragm dome: lowest at the lateral costophrenic angle, peak at 55 % across.
  const baseLat = s.latMin + 0.6 * 0.04 * 0.04;
  const sAcross = clamp01((u - baseLat) / (s.medMax - baseLat));
  const vBottom = sAcross < 0.55 ? s.peakV + (s.cpV - s.peakV) * ((0.55 - sAcross) / 0.55) ** 2 : s.peakV + 0.06 * ((sAcross - 0.55) / 0.45) ** 2;
  return v <= vBottom;
}

/**
 * Samples the patient's geometry. `heartScale` > 1 enlarges the heart
 * (cardiomegaly), growing mostly towards the patient's left.
 */
export function buildGeometry(rng: Rng, size: number, heartScale = 1): ChestGeometry {
  const sx = rng.uniform(0.93, 1.04);
  const sy = rng.uniform(0.94, 1.04);
  const dx = rng.uniform(-0.02, 0.02);
  const dy = rng.uniform(-0.015, 0.025);
  const toPx = (u: number, v: number): Point => ({ x: (0.5 + (u - 0.5) * sx + dx) * size, y: (v * sy + dy) * size });
  const toTemplate = (x: number, y: number) => ({ u: (x / size - 0.5 - dx) / sx + 0.5, v: (y / size - dy) / sy });
  const uOf = (x: number) => ((x + 0.5) / size - 0.5 - dx) / sx + 0.5;
  const vOf = (y: number) => ((y + 0.5) / size - dy) / sy;

  const shapes: Record<Side, LungShape> = {
    right: {
      apexV: rng.uniform(0.1, 0.13),
      apexU: rng.uniform(0.28, 0.32),
      latMin: rng.uniform(0.085, 0.11),
      medMax: rng.uniform(0.44, 0.455),
      cpV: rng.uniform(0.74, 0.78),
      peakV: rng.uniform(0.6, 0.65),
    },
    left: {
      apexV: rng.uniform(0.1, 0.13),
      apexU: rng.uniform(0.28, 0.32),
      latMin: rng.uniform(0.085, 0.11),
      medMax: rng.uniform(0.425, 0.445),
      cpV: rng.uniform(0.76, 0.8),
      peakV: rng.uniform(0.63, 0.68),
    },
  };
  const mirror = (side: Side, u: number) => (side === 'right' ? u : 1 - u);
  const inLungTemplate = (side: Side, u: number, v: number) => insideLungShape(shapes[side], mirror(side, u), v);

  const n = size * size;
  const lung: Record<Side, Uint8Array> = { right: new Uint8Array(n), left: new Uint8Array(n) };
  const union = newLayer(size);
  for (let y = 0; y < size; y++) {
    const v = vOf(y);
    for (let x = 0; x < size; x++) {
      const u = uOf(x);
      const i = y * size + x;
      if (u < 0.5 ? inLungTemplate('right', u, v) : inLungTemplate('left', u, v)) {
        lung[u < 0.5 ? 'right' : 'left'][i] = 1;
        union[i] = 1;
      }
    }
  }
  const lungSoft = boxBlur(union, size, Math.max(1, size / 256), 2);

  // Heart: an ellipse offset to the patient's left; cardiomegaly widens it leftwards.
  const hcU = 0.555 + (heartScale - 1) * 0.07 + rng.uniform(-0.01, 0.01);
  const hcV = 0.6 + rng.uniform(-0.015, 0.015);
  const rxU = rng.uniform(0.155, 0.175) * heartScale;
  const ryV = rng.uniform(0.105, 0.12) * (1 + (heartScale - 1) * 0.55);
  const hc = toPx(hcU, hcV);
  const heart = { cx: hc.x, cy: hc.y, rx: rxU * sx * size, ry: ryV * sy * size };
  const heartHard = newLayer(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ex = (x + 0.5 - heart.cx) / heart.rx;
      const ey = (y + 0.5 - heart.cy) / heart.ry;
      // Flatter right border, rounder left ventricle: bias the ellipse.
      const k = ex < 0 ? 1.15 : 1;
      if ((ex * k) ** 2 + ey * ey <= 1) heartHard[y * size + x] = 1;
    }
  }
  const heartSoft = boxBlur(heartHard, size, Math.max(1, size / 200), 2);

  const lateralness = (side: Side, u: number) => {
    const s = shapes[side];
    const mu = mirror(side, u);
    return clamp01((s.medMax - mu) / (s.medMax - s.latMin));
  };
  const inner = (1 - 2 * Math.min(shapes.right.latMin, shapes.left.latMin)) * sx * size;

  return {
    size,
    toPx,
    toTemplate,
    uOf,
    vOf,
    lung,
    lungSoft,
    heartSoft,
    heart,
    hilum: { right: toPx(0.415, 0.43), left: toPx(0.59, 0.42) },
    inLungTemplate,
    cpV: { right: shapes.right.cpV, left: shapes.left.cpV },
    domeV: { right: shapes.right.peakV, left: shapes.left.peakV },
    lateralness,
    thoraxWidthPx: inner,
    mirror,
  };
}

/**
 * Renders body, mediastinum, abdomen, lungs (darkened) and heart into a new
 * brightness layer. Lung markings and bones are separate passes so findings can
 * sit between them.
 */
export function renderSoftTissue(g: ChestGeometry, rng: Rng): Float32Array {
  const { size } = g;
  const img = newLayer(size);
  const neckW = rng.uniform(0.08, 0.11);
  const bodyW = rng.uniform(0.46, 0.5);
  const tissue = rng.uniform(0.44, 0.52);
  for (let y = 0; y < size; y++) {
    const v = g.vOf(y);
    for (let x = 0; x < size; x++) {
      const u = g.uOf(x);
      const i = y * size + x;
      // Body outline: neck at the top, shoulders from v≈0.03 to 0.13.
      const halfW = neckW + (bodyW - neckW) * smoothstep(0.02, 0.14, v) - 0.05 * smoothstep(0.55, 1.0, v);
      const inBody = smoothstep(0, 0.012, halfW - Math.abs(u - 0.5));
      let b = 0.03 + inBody * tissue;
      // Soft tissue gets denser towards the centre (more tissue traversed).
      b += inBody * 0.08 * (1 - Math.min(1, Math.abs(u - 0.5) / 0.5));
      // Mediastinum column.
      const med = smoothstep(0.085, 0.05, Math.abs(u - 0.5 - 0.01));
      b += 0.16 * med * smoothstep(0.0, 0.06, v) * smoothstep(0.78, 0.6, v);
      // Upper abdomen below the diaphragm: brighter, a gradient over a few pixels.
      b += 0.14 * inBody * smoothstep(0.6, 0.8, v);
      img[i] = b;
    }
  }
  // Lungs: aerated → dark. Slightly denser towards the bases and medially.
  for (let i = 0; i < img.length; i++) {
    const l = g.lungSoft[i];
    if (l > 0) {
      const y = Math.floor(i / size);
      const baseShade = 0.06 * (y / size);
      // The heart lies in front of the lung: where it is, the lung does not darken the film.
      img[i] -= l * (0.42 - baseShade) * (1 - g.heartSoft[i]);
    }
  }
  // Abdomen under each dome: anything below a lung bottom is soft tissue; the gastric bubble is air.
  const bubble = g.toPx(rng.uniform(0.62, 0.68), g.cpV.left - rng.uniform(0.02, 0.05));
  const bubbleR = size * rng.uniform(0.03, 0.05);
  for (let y = Math.floor(bubble.y - bubbleR); y < bubble.y + bubbleR; y++) {
    for (let x = Math.floor(bubble.x - bubbleR * 1.4); x < bubble.x + bubbleR * 1.4; x++) {
      if (x < 0 || y < 0 || x >= size || y >= size) continue;
      const i = y * size + x;
      const d = ((x - bubble.x) / (bubbleR * 1.4)) ** 2 + ((y - bubble.y) / bubbleR) ** 2;
      // Only below the dome: the lung mask must be absent there.
      if (d < 1 && !g.lung.left[i] && g.heartSoft[i] < 0.5) img[i] -= 0.16 * smoothstep(1, 0.6, d) * smoothstep(0, 4, y - bubble.y + bubbleR);
    }
  }
  // Heart: soft tissue dense enough to hide the lung behind it.
  // Its lower edge merges into the diaphragm, so it only adds where lung surrounds it.
  for (let i = 0; i < img.length; i++) {
    const y = Math.floor(i / size);
    const v = g.vOf(y);
    img[i] += 0.12 * g.heartSoft[i] * smoothstep(0.74, 0.64, v);
  }
  // Trachea and main bronchi (air column).
  const tr = newLayer(size);
  const carina = g.toPx(0.5, 0.33);
  strokeMax(tr, size, quadBezier(g.toPx(0.5, 0.0), g.toPx(0.5, 0.15), carina), size * 0.016, 0.12);
  strokeMax(tr, size, quadBezier(carina, g.toPx(0.47, 0.36), g.toPx(0.43, 0.41)), size * 0.009, 0.08);
  strokeMax(tr, size, quadBezier(carina, g.toPx(0.53, 0.36), g.toPx(0.575, 0.4)), size * 0.009, 0.08);
  // Aortic knob: a rounded bulge at the left upper mediastinum.
  const knob = g.toPx(0.57, 0.29);
  const kr = size * rng.uniform(0.028, 0.038);
  const blur1 = boxBlur(tr, size, 1, 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      img[i] -= blur1[i];
      const d = Math.hypot(x - knob.x, y - knob.y) / kr;
      if (d < 1) img[i] += 0.16 * smoothstep(1, 0.8, d);
    }
  }
  // Parenchymal texture.
  const tex = smoothNoise(size, Math.max(2, size / 120), () => rng.uniform());
  for (let i = 0; i < img.length; i++) img[i] += 0.012 * tex[i] * g.lungSoft[i];
  return img;
}

/**
 * Branching lung vessels from each hilum, fading to the periphery, drawn only
 * where `allow` (lung minus any pneumothorax space) is set. Adds hilar density.
 */
export function renderVessels(g: ChestGeometry, rng: Rng, img: Float32Array, allow: Uint8Array): void {
  const { size } = g;
  const ves = newLayer(size);
  for (const side of ['right', 'left'] as const) {
    const h = g.hilum[side];
    const dir = side === 'right' ? -1 : 1;
    const branches = 16 + rng.int(6);
    for (let b = 0; b < branches; b++) {
      // Fan from straight up (−90°) over lateral to down (+80°), laterally signed.
      const ang = rng.uniform(-1.5, 1.35);
      let x = h.x + rng.uniform(-3, 3);
      let y = h.y + rng.uniform(-6, 6);
      let a = ang;
      const len = size * rng.uniform(0.14, 0.3);
      const steps = Math.ceil(len);
      const pts: Point[] = [];
      const radii: number[] = [];
      const r0 = size * rng.uniform(0.007, 0.011);
      for (let s = 0; s < steps; s++) {
        a += rng.normal(0, 0.04);
        x += dir * Math.cos(a);
        y += Math.sin(a);
        pts.push({ x, y });
        radii.push(Math.max(0.6, r0 * (1 - s / steps)));
        // Side branches.
        if (s > 10 && rng.bernoulli(0.02)) {
          let bx = x;
          let by = y;
          let ba = a + rng.pick([-0.6, 0.6]);
          const bl = Math.ceil((steps - s) * rng.uniform(0.3, 0.6));
          const bp: Point[] = [];
          for (let k = 0; k < bl; k++) {
            ba += rng.normal(0, 0.05);
            bx += dir * Math.cos(ba);
            by += Math.sin(ba);
            bp.push({ x: bx, y: by });
          }
          strokeMax(ves, size, bp, Math.max(0.6, r0 * 0.5 * (1 - s / steps)), 0.09);
        }
      }
      strokeMax(ves, size, pts, radii, 0.13);
    }
  }
  const soft = boxBlur(ves, size, Math.max(1, size / 300), 2);
  for (let i = 0; i < img.length; i++) if (allow[i]) img[i] += soft[i] * g.lungSoft[i] * (1 - g.heartSoft[i]);
  // Hilar density.
  for (const side of ['right', 'left'] as const) {
    const h = g.hilum[side];
    const s = size * 0.035;
    for (let y = Math.max(0, Math.floor(h.y - 3 * s)); y < Math.min(size, h.y + 3 * s); y++) {
      for (let x = Math.max(0, Math.floor(h.x - 3 * s)); x < Math.min(size, h.x + 3 * s); x++) {
        const d2 = ((x - h.x) ** 2 + (y - h.y) ** 2) / (s * s);
        img[y * size + x] += 0.08 * Math.exp(-d2 / 2) * g.lungSoft[y * size + x];
      }
    }
  }
}

/** Ribs (posterior bright, anterior faint), clavicles, spine and humeral heads, added on top. */
export function renderBones(g: ChestGeometry, rng: Rng, img: Float32Array): void {
  const { size } = g;
  const bone = newLayer(size);
  const ribs = newLayer(size);
  const cortex = (r: number) => 0.55 + 0.45 * smoothstep(0.55, 0.9, r) * (1 - smoothstep(0.92, 1, r));
  const ribR = size * rng.uniform(0.009, 0.012);
  const ribGap = rng.uniform(0.056, 0.062);
  for (const side of ['right', 'left'] as const) {
    const m = (u: number) => g.mirror(side, u);
    for (let k = 0; k < 9; k++) {
      const v0 = 0.085 + ribGap * k + 0.002 * k * k;
      const jitter = rng.uniform(-0.005, 0.005);
      // Posterior rib: from the spine up-and-out, then down along the lateral wall.
      const p = quadBezier(g.toPx(m(0.475), v0 + jitter), g.toPx(m(0.16), v0 - 0.07 + jitter), g.toPx(m(0.07), v0 + 0.16 + jitter), 1);
      strokeMax(ribs, size, p, ribR * (1 + k * 0.03), 0.085, cortex);
      if (k < 6) {
        // Anterior rib: from the lateral wall down towards the sternum, faint.
        const va = 0.2 + 0.062 * k;
        const a = quadBezier(g.toPx(m(0.09), va - 0.02), g.toPx(m(0.2), va + 0.03), g.toPx(m(0.36), va + 0.1), 1);
        strokeMax(ribs, size, a, ribR * 0.9, 0.045, cortex);
      }
    }
    // Clavicle.
    const c = quadBezier(g.toPx(m(0.455), 0.155), g.toPx(m(0.32), 0.175), g.toPx(m(0.15), 0.1), 1);
    strokeMax(bone, size, c, size * 0.016, 0.2, cortex);
    // Humeral head at the top corner.
    const hh = g.toPx(m(0.015), 0.15);
    strokeMax(bone, size, [hh], size * 0.075, 0.1, (r) => 0.7 + 0.3 * smoothstep(0.8, 0.97, r));
  }
  // Spine: vertebral bodies as a segmented column, visible through the mediastinum.
  for (let k = 0; k < 16; k++) {
    const v = 0.03 + k * 0.052;
    const body = [g.toPx(0.485, v), g.toPx(0.515, v)].map((p) => ({ x: p.x, y: p.y }));
    strokeMax(
      bone,
      size,
      quadBezier(body[0], { x: (body[0].x + body[1].x) / 2, y: body[0].y }, body[1], 1),
      size * 0.02,
      0.05,
      (r) => 0.6 + 0.4 * smoothstep(0.7, 0.95, r),
    );
  }
  const soft = boxBlur(bone, size, 1, 1);
  const ribSoft = boxBlur(ribs, size, 1, 1);
  // Ribs show best against aerated lung; over thick soft tissue their contrast is low.
  for (let i = 0; i < img.length; i++) img[i] += soft[i] + ribSoft[i] * (0.35 + 0.65 * g.lungSoft[i] * (1 - g.heartSoft[i]));
}

/** Exposure (gamma, contrast, offset), a faint blur and quantum noise, to 8-bit. */
export function finishExposure(img: Float32Array, size: number, rng: Rng): Uint8Array {
  const blurred = boxBlur(img, size, 1, 1);
  const gamma = rng.uniform(0.8, 1.25);
  const contrast = rng.uniform(0.9, 1.1);
  const offset = rng.uniform(-0.04, 0.04);
  const noiseStd = rng.uniform(0.008, 0.02);
  const out = new Uint8Array(img.length);
  // Tone curve through a 4096-entry table: the output is 8-bit, so this is exact enough and avoids pow per pixel.
  const LEVELS = 4095;
  const tone = new Float32Array(LEVELS + 1);
  for (let k = 0; k <= LEVELS; k++) tone[k] = Math.pow(k / LEVELS, gamma) * contrast + offset;
  for (let i = 0; i < img.length; i++) {
    const v = clamp01(blurred[i]);
    // Triangular noise (sum of two uniforms, unit variance): close enough to Gaussian quantum noise, and cheap.
    const n = (rng.uniform() + rng.uniform() - 1) * 2.4494897;
    out[i] = Math.round(clamp01(tone[Math.round(v * LEVELS)] + n * noiseStd) * 255);
  }
  return out;
}
