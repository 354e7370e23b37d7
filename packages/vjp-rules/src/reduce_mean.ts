import { numel, shapesEqual, type VjpRule } from '@primgrad/ir';
import { broadcastTo, reductionAxes, scale } from '@primgrad/orig-ops';
import { toKeptShape, unaryVjp } from './helpers.js';

/** x̄ = ct / N broadcast back along the reduced axes, N being the number of elements each mean averages */
export const reduceMean: VjpRule = unaryVjp((b, ct, x, _y, op) => {
  const axes = reductionAxes('reduce_mean', op.attrs, x.shape);
  const count = numel(axes.map((a) => x.shape[a]!));
  // With count 0, x has no elements and neither does x̄; 1/0 would put Infinity in a JSON attr.
  const scaled = count === 1 || count === 0 ? ct : scale(b, ct, 1 / count);
  const withKeptDims = toKeptShape(b, scaled, x.shape, axes);
  return shapesEqual(withKeptDims.shape, x.shape) ? withKeptDims : broadcastTo(b, withKeptDims, x.shape);
});
