import { intListAttr, normalizeAxis, type VjpRule } from '@primgrad/ir';
import { reshape as reshapeOp, transpose as transposeOp } from '@primgrad/orig-ops';
import { unaryVjp, unbroadcast } from './helpers.js';

/** Vjp rules of the ops that move elements without changing their values. */
export const shapeRules: Readonly<Record<string, VjpRule>> = {
  // x̄ = reshape(ct, x.shape)
  reshape: unaryVjp((b, ct, x) => reshapeOp(b, ct, x.shape)),

  // x̄ = transpose(ct, perm⁻¹)
  transpose: unaryVjp((b, ct, x, _y, op) => {
    const rank = x.shape.length;
    const perm = intListAttr('transpose', op.attrs, 'perm').map((a) => normalizeAxis(a, rank)!);
    const inverse = new Array<number>(rank);
    perm.forEach((axis, i) => {
      inverse[axis] = i;
    });
    return transposeOp(b, ct, inverse);
  }),

  // x̄ = ct summed over the broadcast axes
  broadcast_to: unaryVjp((b, ct, x) => unbroadcast(b, ct, x.shape)),
};
