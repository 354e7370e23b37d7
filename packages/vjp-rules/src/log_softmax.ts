import type { VjpRule } from '@primgrad/ir';
import { exp, mul, reduceSum, softmaxAxis, sub } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';

/** x̄ = ct - exp(y) sum(ct) along the axis, exp(y) being the softmax of x. */
export const logSoftmax: VjpRule = unaryVjp((b, ct, x, y, op) => {
  const axis = softmaxAxis('log_softmax', op.attrs, x.shape);
  return sub(b, ct, mul(b, exp(b, y), reduceSum(b, ct, [axis], true)));
});
