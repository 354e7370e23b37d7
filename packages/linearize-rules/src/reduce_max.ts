import { boolAttr, intListAttr, shapesEqual, type LinearizeRule } from '@primgrad/ir';
import { broadcastToP, divP, eqP, fullLikeP, mulP, reduceSumP, reshapeP, selectP } from '@primgrad/prim-ops';
import { unaryRule } from './helpers.js';

/** Linearize rule of reduce_max_p. */
export const reduceMaxRules: Readonly<Record<string, LinearizeRule>> = {
  // d max(x) = sum(w dx) with w = 1/k at each of the k elements equal to the maximum, 0 elsewhere.
  // Splitting ties evenly matches max_p at a tie of two and JAX's max reductions.
  reduce_max_p: unaryRule((b, xDot, x, y, op) => {
    const axes = intListAttr(op.type, op.attrs, 'axis');
    const keepdim = boolAttr(op.type, op.attrs, 'keepdim', false);
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const yKept = shapesEqual(y.shape, keptShape) ? y : reshapeP(b, y, keptShape);
    const isMax = eqP(b, x, broadcastToP(b, yKept, x.shape));
    const mask = selectP(b, isMax, fullLikeP(b, x, 1), fullLikeP(b, x, 0));
    const ties = reduceSumP(b, mask, axes, keepdim);
    return divP(b, reduceSumP(b, mulP(b, mask, xDot), axes, keepdim), ties);
  }),
};
