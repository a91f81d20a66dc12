import { tf } from '../tf.js';
import { globalNorm, type NamedGrads } from './grads.js';

/**
 * Scale gradients so their global L2 norm is at most `maxNorm` (PyTorch `clip_grad_norm_`,
 * factor maxNorm / (norm + 1e-6)). Returns new tensors when scaling (the caller disposes both
 * the inputs and outputs), or the same tensors when no scaling is needed.
 * @returns grads and the norm before clipping
 */
export function clipGradNorm(grads: NamedGrads, maxNorm: number): { grads: NamedGrads; norm: number } {
  const norm = globalNorm(grads);
  if (!Number.isFinite(norm) || norm <= maxNorm) return { grads, norm };
  const factor = maxNorm / (norm + 1e-6);
  const out: NamedGrads = {};
  for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, factor);
  return { grads: out, norm };
}
