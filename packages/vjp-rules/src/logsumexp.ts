import type { VjpRule } from '@primgrad/ir';
import { mul, reductionAxes } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';
import { guardedSoftmax, zeroOnMasked } from './max-shift.js';

/**
 * x̄ = ct softmax(x) over the axes, so a -Infinity element gets 0. 0 on a line of only
 * -Infinity, whose logsumexp is the constant -Infinity.
 */
export const logsumexp: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = reductionAxes('logsumexp', op.attrs, x.shape);
  const { probs, masked } = guardedSoftmax(b, x, axes);
  return zeroOnMasked(b, masked, mul(b, toKeptShape(b, ct, x.shape, axes), probs));
});
