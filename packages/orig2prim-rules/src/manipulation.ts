/** @file orig2prim rules for the native ops that move, convert or create values: reshape, transpose, broadcast_to, cast, fill_constant. */
import { floatScalarAttr, intListAttr, normalizeAxis, type Orig2PrimRule } from '@primgrad/ir';
import { resolveReshape } from '@primgrad/orig-ops';
import { broadcastP, castP, fillConstantP, reshapeP, transposeP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

// A -1 in the target is resolved here because reshape_p takes only explicit dims.
const reshape: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  return [reshapeP(b, x, resolveReshape(x.shape, intListAttr('reshape', op.attrs, 'shape')))];
};

// transpose_p takes only non-negative perm entries. Inference has already checked the permutation.
const transpose: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const perm = intListAttr('transpose', op.attrs, 'perm').map((axis) => normalizeAxis(axis, x.shape.length)!);
  return [transposeP(b, x, perm)];
};

// broadcast_p is emitted even when the shape is unchanged, because the rule must return a new var.
const broadcastTo: Orig2PrimRule = (b, op) => {
  const { shape } = inferOutput(b, op);
  return [broadcastP(b, op.inputs[0]!, shape)];
};

const cast: Orig2PrimRule = (b, op) => {
  const { dtype } = inferOutput(b, op);
  return [castP(b, op.inputs[0]!, dtype)];
};

const fillConstant: Orig2PrimRule = (b, op) => {
  const { shape, dtype } = inferOutput(b, op);
  return [fillConstantP(b, shape, dtype, floatScalarAttr('fill_constant', op.attrs, 'value'))];
};

export const manipulationRules: Readonly<Record<string, Orig2PrimRule>> = {
  reshape,
  transpose,
  broadcast_to: broadcastTo,
  cast,
  fill_constant: fillConstant,
};
