import type { VjpRule } from '@primgrad/ir';
import { mul, reduceSum, softmaxAxes, sub } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';
import { guardedSoftmax, zeroOnMasked } from './max-shift.js';

/**
 * x̄ = s (ct - sum(ct s)) over the axes, s = softmax(x): the Jacobian diag(s) - s sᵀ applied to
 * ct. 0 on a line of only -Infinity, whose softmax is NaN.
 */
export const softmax: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = softmaxAxes('softmax', op.attrs, x.shape);
  const { probs, masked } = guardedSoftmax(b, x, axes);
  return zeroOnMasked(b, masked, mul(b, probs, sub(b, ct, reduceSum(b, mul(b, ct, probs), axes, true))));
});
