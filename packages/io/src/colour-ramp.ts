/**
 * The attention colour ramp shared by the trainer's report pictures and the browser viewer
 * (browser-safe: no Node imports; also the subpath `@ecamp/io/colour-ramp`).
 */

/** Colour stops from low to high attention: near black, purple, red, orange, pale yellow. */
export const RAMP: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** RGB of `v` ∈ [0, 1] on {@link RAMP} (clamped, linear between stops; NaN counts as 0). */
export function rampColour(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}
