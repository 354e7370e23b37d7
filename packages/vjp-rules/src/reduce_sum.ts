import { shapesEqual, type VjpRule } from '@primgrad/ir';
import { broadcastTo, reductionAxes } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';

/** x̄ = ct broadcast back along the reduced axes */
export const reduceSum: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = reductionAxes('reduce_sum', op.attrs, x.shape);
  const withKeptDims = toKeptShape(b, ct, x.shape, axes);
  return shapesEqual(withKeptDims.shape, x.shape) ? withKeptDims : broadcastTo(b, withKeptDims, x.shape);
});
