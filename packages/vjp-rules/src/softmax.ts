import type { VjpRule } from '@primgrad/ir';
import { mul, reduceSum, softmaxAxis, sub } from '@primgrad/orig-ops';
import { unaryVjp } from './helpers.js';

/** x̄ = y (ct - sum(ct y)) along the axis: the softmax Jacobian diag(y) - y yᵀ applied to ct. */
export const softmax: VjpRule = unaryVjp((b, ct, x, y, op) => {
  const axis = softmaxAxis('softmax', op.attrs, x.shape);
  return mul(b, y, sub(b, ct, reduceSum(b, mul(b, ct, y), [axis], true)));
});
