/**
 * @file orig2prim rules for the native ops that move, convert or create values: reshape,
 * transpose, broadcast_to, concat, slice, pad, cast, fill_constant.
 */
import { floatScalarAttr, intAttr, intListAttr, normalizeAxis, type Orig2PrimRule } from '@primgrad/ir';
import { resolvePadding, resolveReshape, resolveSlice } from '@primgrad/orig-ops';
import { broadcastP, castP, concatP, fillConstantP, padP, reshapeP, sliceP, transposeP } from '@primgrad/prim-ops';
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

// concat_p takes a non-negative axis. Inference has already checked it and the shapes.
const concat: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const rank = op.inputs[0]!.shape.length;
  return [concatP(b, op.inputs, normalizeAxis(intAttr('concat', op.attrs, 'axis', 0), rank)!)];
};

// slice_p takes clamped, non-negative bounds and a step for every axis.
const slice: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const { starts, ends, steps } = resolveSlice('slice', x.shape, op.attrs);
  return [sliceP(b, x, starts, ends, steps)];
};

// pad_p takes an explicit interior padding.
const pad: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const { before, after, interior } = resolvePadding('pad', x.shape.length, op.attrs);
  return [padP(b, x, before, after, interior)];
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
  concat,
  slice,
  pad,
  cast,
  fill_constant: fillConstant,
};
