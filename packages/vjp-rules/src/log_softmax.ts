import type { VjpRule } from '@primgrad/ir';
import { mul, reduceSum, softmaxAxes, sub } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';
import { guardedSoftmax, zeroOnMasked } from './max-shift.js';

/** x̄ = ct - s sum(ct) over the axes, s = softmax(x). 0 on a line of only -Infinity, whose log_softmax is NaN. */
export const logSoftmax: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = softmaxAxes('log_softmax', op.attrs, x.shape);
  const { probs, masked } = guardedSoftmax(b, x, axes);
  return zeroOnMasked(b, masked, sub(b, ct, mul(b, probs, reduceSum(b, ct, axes, true))));
});
