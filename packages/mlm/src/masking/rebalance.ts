/**
 * The entity-aware re-balanced factor (method §3).
 *
 * Every real token starts at weight 1. Tokens inside a negation template drop to
 * `templateWeight` (0.05); the removed mass (1 − 0.05 = 0.95 per template token) is
 * moved onto the descriptor positions so the total weight of the report stays L:
 *
 * - D descriptor positions, T template tokens, O descriptors inside templates:
 *   each descriptor weight × `(0.95·(T − O) + D) / (D − 0.95·O)`;
 * - templates but no descriptor: every weight × `L / (L − 0.95·T)`.
 *
 * L counts the real tokens, `[CLS]` included; padding gets weight 0.
 */

/** Inputs of {@link rebalancedWeights}; arrays have the padded length. */
export interface RebalanceInput {
  /** Number of real tokens L (positions 0..L−1). */
  length: number;
  /** [Lpad] 1 where the token is inside a template. */
  isTemplate: ArrayLike<number>;
  /** [Lpad] 1 where the token is a descriptor. */
  isDescriptor: ArrayLike<number>;
  /** Weight of template tokens (default 0.05). */
  templateWeight?: number;
}

/** Weights and the counts that produced them. */
export interface RebalanceResult {
  /** [Lpad] per-token loss weight; sums to `length` over real tokens. */
  weights: Float32Array;
  /** T: template tokens. */
  templateTokens: number;
  /** D: descriptor tokens. */
  descriptorTokens: number;
  /** O: descriptor tokens inside templates. */
  descriptorsInTemplates: number;
  /** Weight mass taken from template tokens and given elsewhere: (1 − w_t)·T. */
  movedMass: number;
  /** The factor applied to descriptors (or to every token), 1 when nothing moved. */
  factor: number;
}

/** Compute the re-balanced per-token weights of one report. */
export function rebalancedWeights(input: RebalanceInput): RebalanceResult {
  const { length: L, isTemplate, isDescriptor } = input;
  const wt = input.templateWeight ?? 0.05;
  const Lpad = isTemplate.length;
  if (isDescriptor.length !== Lpad) {
    throw new Error(`rebalancedWeights: isTemplate has ${Lpad} entries but isDescriptor has ${isDescriptor.length}`);
  }
  if (!Number.isInteger(L) || L < 0 || L > Lpad) throw new Error(`rebalancedWeights: length ${L} outside 0..${Lpad}`);
  if (!(wt >= 0 && wt <= 1)) throw new Error(`rebalancedWeights: templateWeight must be in [0, 1], got ${wt}`);
  const removed = 1 - wt;
  const weights = new Float32Array(Lpad);
  let T = 0;
  let D = 0;
  let O = 0;
  for (let i = 0; i < L; i++) {
    const t = isTemplate[i] ? 1 : 0;
    const d = isDescriptor[i] ? 1 : 0;
    T += t;
    D += d;
    O += t & d;
  }
  let factor = 1;
  if (T > 0 && D > 0) factor = (removed * (T - O) + D) / (D - removed * O);
  else if (T > 0) factor = L / (L - removed * T);
  // When every token is a template token and wt = 0 nothing can carry the mass.
  if (!Number.isFinite(factor)) factor = 1;
  for (let i = 0; i < L; i++) {
    const base = isTemplate[i] ? wt : 1;
    const scaled = D > 0 ? (isDescriptor[i] ? factor : 1) : factor;
    weights[i] = base * scaled;
  }
  return { weights, templateTokens: T, descriptorTokens: D, descriptorsInTemplates: O, movedMass: removed * T, factor };
}
