/**
 * Raster primitives for the synthetic radiograph renderer. Every layer is a
 * row-major Float32Array of `size × size` values; coordinates passed in are
 * pixels (x right, y down, pixel centres at integer + 0.5).
 */

/** A 2-D point in pixels. */
export interface Point {
  x: number;
  y: number;
}

/** Allocates a zero layer of `size × size`. */
export function newLayer(size: number): Float32Array {
  return new Float32Array(size * size);
}

/** Points along a quadratic Bézier curve, spaced about `step` pixels apart. */
export function quadBezier(p0: Point, c: Point, p1: Point, step = 1): Point[] {
  const approxLen = Math.hypot(c.x - p0.x, c.y - p0.y) + Math.hypot(p1.x - c.x, p1.y - c.y);
  const n = Math.max(2, Math.ceil(approxLen / step));
  const out: Point[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const d = t * t;
    out.push({ x: a * p0.x + b * c.x + d * p1.x, y: a * p0.y + b * c.y + d * p1.y });
  }
  return out;
}

/** Resamples a polyline so consecutive points are about `step` pixels apart. */
export function resample(points: Point[], step = 1): Point[] {
  const out: Point[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / step));
    for (let k = 0; k < n; k++) out.push({ x: a.x + ((b.x - a.x) * k) / n, y: a.y + ((b.y - a.y) * k) / n });
  }
  if (points.length > 0) out.push(points[points.length - 1]);
  return out;
}

/**
 * Stamps a stroke along `points` into `layer` with max-compositing: each pixel
 * gets max(old, value·profile(d/radius)) where d is the distance to the nearest
 * stamp centre, so the result approximates a band of half-width `radius` with
 * the given cross-section. `radius` may vary along the stroke (array).
 */
export function strokeMax(
  layer: Float32Array,
  size: number,
  points: Point[],
  radius: number | number[],
  value: number,
  profile: (r: number) => number = (r) => 1 - r * r,
): void {
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const rad = Array.isArray(radius) ? radius[i] : radius;
    if (rad <= 0) continue;
    const x0 = Math.max(0, Math.floor(p.x - rad));
    const x1 = Math.min(size - 1, Math.ceil(p.x + rad));
    const y0 = Math.max(0, Math.floor(p.y - rad));
    const y1 = Math.min(size - 1, Math.ceil(p.y + rad));
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - p.y;
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - p.x;
        const r = Math.sqrt(dx * dx + dy * dy) / rad;
        if (r >= 1) continue;
        const v = value * profile(r);
        const idx = y * size + x;
        if (v > layer[idx]) layer[idx] = v;
      }
    }
  }
}

/** Separable box blur of radius r (pixels), repeated `passes` times (3 passes ≈ Gaussian); edges are clamped. */
export function boxBlur(src: Float32Array, size: number, r: number, passes = 3): Float32Array {
  const a = Float32Array.from(src);
  const rad = Math.round(r);
  if (rad < 1) return a;
  const b = new Float32Array(a.length);
  const line = new Float32Array(size + 2 * rad);
  const norm = 1 / (2 * rad + 1);
  // Blurs one line held in `line` (padded by clamped copies) into dst[off + k·stride].
  const blurLine = (dst: Float32Array, off: number, stride: number) => {
    let sum = 0;
    for (let k = 0; k < 2 * rad + 1; k++) sum += line[k];
    for (let x = 0; x < size; x++) {
      dst[off + x * stride] = sum * norm;
      sum += line[x + 2 * rad + 1 < line.length ? x + 2 * rad + 1 : line.length - 1] - line[x];
    }
  };
  for (let pass = 0; pass < passes; pass++) {
    for (let y = 0; y < size; y++) {
      const row = y * size;
      for (let k = 0; k < rad; k++) {
        line[k] = a[row];
        line[size + rad + k] = a[row + size - 1];
      }
      line.set(a.subarray(row, row + size), rad);
      blurLine(b, row, 1);
    }
    for (let x = 0; x < size; x++) {
      for (let k = 0; k < rad; k++) {
        line[k] = b[x];
        line[size + rad + k] = b[(size - 1) * size + x];
      }
      for (let y = 0; y < size; y++) line[rad + y] = b[y * size + x];
      blurLine(a, x, size);
    }
  }
  return a;
}

/** Smooth noise field in [−1, 1]-ish: white noise blurred at radius r and rescaled to unit std. */
export function smoothNoise(size: number, r: number, rand: () => number): Float32Array {
  const white = new Float32Array(size * size);
  for (let i = 0; i < white.length; i++) white[i] = rand() - 0.5;
  const s = boxBlur(white, size, r, 2);
  let sq = 0;
  for (let i = 0; i < s.length; i++) sq += s[i] * s[i];
  const std = Math.sqrt(sq / s.length) || 1;
  for (let i = 0; i < s.length; i++) s[i] /= std;
  return s;
}

/** Bounding box [x1, y1, x2, y2] (pixel edges, x2/y2 exclusive) of non-zero mask pixels, or null. */
export function maskBox(mask: Uint8Array, size: number): [number, number, number, number] | null {
  let x1 = size;
  let y1 = size;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < size; y++) {
    const row = y * size;
    for (let x = 0; x < size; x++) {
      if (mask[row + x]) {
        if (x < x1) x1 = x;
        if (x > x2) x2 = x;
        if (y < y1) y1 = y;
        if (y > y2) y2 = y;
      }
    }
  }
  return x2 < 0 ? null : [x1, y1, x2 + 1, y2 + 1];
}

/** Count of non-zero mask pixels. */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}
