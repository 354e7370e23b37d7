import { shapesEqual, type VjpRule } from '@primgrad/ir';
import { broadcastTo, reductionAxes } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';

/** x̄ = ct broadcast back along the reduced axes */
export const reduceSum: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = reductionAxes('reduce_sum', op.attrs, x.shape);
  const kept = toKeptShape(b, ct, x.shape, axes);
  return shapesEqual(kept.shape, x.shape) ? kept : broadcastTo(b, kept, x.shape);
});
