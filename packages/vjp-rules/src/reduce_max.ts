import type { VjpRule } from '@primgrad/ir';
import { cast, div, equal, mul, reduceSum, reductionAxes } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';

/**
 * x̄ = ct / k at each of the k elements equal to the maximum and 0 elsewhere. Splitting ties
 * evenly matches the linearize rule of reduce_max_p, so both mechanisms agree at ties.
 */
export const reduceMax: VjpRule = unaryVjp((b, ct, x, y, op) => {
  const axes = reductionAxes('reduce_max', op.attrs, x.shape);
  const mask = cast(b, equal(b, x, toKeptShape(b, y, x.shape, axes)), x.dtype);
  const ties = reduceSum(b, mask, axes, true);
  return mul(b, mask, div(b, toKeptShape(b, ct, x.shape, axes), ties));
});
