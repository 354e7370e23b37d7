import type { VjpRule } from '@primgrad/ir';
import { exp, mul, reductionAxes, sub } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';

/**
 * x̄ = ct exp(x - y), the softmax of x over the axes times ct. The exponent is never positive,
 * and a -Infinity element gets exp(-Infinity) = 0.
 */
export const logsumexp: VjpRule = unaryVjp((b, ct, x, y, op) => {
  const axes = reductionAxes('logsumexp', op.attrs, x.shape);
  const softmaxOfX = exp(b, sub(b, x, toKeptShape(b, y, x.shape, axes)));
  return mul(b, toKeptShape(b, ct, x.shape, axes), softmaxOfX);
});
