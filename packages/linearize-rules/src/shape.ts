import { isFloatDType, type LinearizeRule } from '@primgrad/ir';
import { castP } from '@primgrad/prim-ops';
import { sameOpOnTangent, unaryRule, zeroTangents } from './helpers.js';

/** Linearize rules of the prims that move, copy, sum or convert elements, and of fill_constant_p. */
export const shapeRules: Readonly<Record<string, LinearizeRule>> = {
  // Each of these is linear in x, so its tangent is the same op applied to dx.
  reshape_p: sameOpOnTangent,
  broadcast_p: sameOpOnTangent,
  transpose_p: sameOpOnTangent,
  reduce_sum_p: sameOpOnTangent,
  slice_p: sameOpOnTangent,
  pad_p: sameOpOnTangent,

  // d cast(x) = cast(dx) between float dtypes; an int or bool result has no tangent
  cast_p: unaryRule((b, xDot, _x, y) => (isFloatDType(y.dtype) ? castP(b, xDot, y.dtype) : null)),

  // A constant has no inputs, so its tangent is a symbolic zero.
  fill_constant_p: zeroTangents,
};
