import { intListAttr, normalizeAxes, shapesEqual, type TransposeRule } from '@primgrad/ir';
import { broadcastToP, castP, reshapeP, transposeP, unbroadcastP } from '@primgrad/prim-ops';
import { unaryTransposeRule } from './helpers.js';

/** Transpose rules of the prims that move, copy, sum or convert elements. */
export const shapeRules: Readonly<Record<string, TransposeRule>> = {
  // out = reshape(x): x̄ = reshape(ct, shape of x)
  reshape_p: unaryTransposeRule((b, ct, x) => reshapeP(b, ct, x.shape)),

  // out = broadcast(x): x̄ = ct summed over the broadcast axes, in the shape of x
  broadcast_p: unaryTransposeRule((b, ct, x) => unbroadcastP(b, ct, x.shape)),

  // out = transpose(x, perm): x̄ = transpose(ct, perm⁻¹)
  transpose_p: unaryTransposeRule((b, ct, _x, op) => {
    const perm = intListAttr(op.type, op.attrs, 'perm');
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, i) => (inverse[axis] = i));
    return transposeP(b, ct, inverse);
  }),

  // out = sum(x, axes): x̄ = ct with the summed axes restored as size 1, broadcast to the shape of x
  reduce_sum_p: unaryTransposeRule((b, ct, x, op) => {
    const axes = normalizeAxes(op.type, intListAttr(op.type, op.attrs, 'axis'), x.shape.length, x.shape);
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const ctKeptDims = shapesEqual(ct.shape, keptShape) ? ct : reshapeP(b, ct, keptShape);
    return broadcastToP(b, ctKeptDims, x.shape);
  }),

  // out = cast(x): x̄ = cast(ct, dtype of x)
  cast_p: unaryTransposeRule((b, ct, x) => (ct.dtype === x.dtype ? ct : castP(b, ct, x.dtype))),
};
