import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { tf } from '../tf.js';
import { checkGradients } from '../testing/grad-check.js';
import { gelu } from './gelu.js';

describe.each(BACKENDS)('gelu on %s', (backend) => {
  useBackend(backend);

  it('is the exact erf GELU (PyTorch values), not the tanh approximation', () => {
    // torch.nn.functional.gelu(torch.tensor([-3., -1., 0., 0.5, 2.]))
    const y = gelu(tf.tensor1d([-3, -1, 0, 0.5, 2])).dataSync();
    const expected = [-0.0040496, -0.1586553, 0, 0.3457312, 1.9544997];
    expected.forEach((e, i) => expect(y[i]).toBeCloseTo(e, 5));
  });

  it('has a finite-difference-correct gradient', () => {
    expect(checkGradients((x) => gelu(x), [tf.randomNormal([10], 0, 2, 'float32', 8)]).maxRelError).toBeLessThan(1e-2);
  });
});
