/**
 * Which image terms the context-fusion layer adds to the text stream (ablation switch).
 *
 * - `patches+pooled` (default, ECAMP): cross-attention to the patch tokens (fine scale)
 *   plus the projected pooled token (coarse scale).
 * - `patches`: cross-attention only.
 * - `pooled`: pooled token only (no cross-attention, so no attention map).
 * - `none`: a plain post-norm text layer that ignores the image.
 */
export type FusionVariant = 'patches+pooled' | 'patches' | 'pooled' | 'none';

/** Every variant, default first. */
export const FUSION_VARIANTS: readonly FusionVariant[] = Object.freeze(['patches+pooled', 'patches', 'pooled', 'none']);

/** Parses a config value into a {@link FusionVariant}; `field` names it in the error. */
export function parseFusionVariant(value: unknown, field = 'fusion.variant'): FusionVariant {
  if (typeof value === 'string' && (FUSION_VARIANTS as readonly string[]).includes(value)) return value as FusionVariant;
  throw new Error(`${field}: expected one of ${FUSION_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}`);
}

/** True when the variant cross-attends to patch tokens (and so can return attention). */
export function usesPatches(v: FusionVariant): boolean {
  return v === 'patches+pooled' || v === 'patches';
}

/** True when the variant adds the projected pooled token. */
export function usesPooled(v: FusionVariant): boolean {
  return v === 'patches+pooled' || v === 'pooled';
}
