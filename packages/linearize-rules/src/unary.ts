import type { LinearizeRule } from '@primgrad/ir';
import { cosP, divP, fillConstantP, fullLikeP, gtP, mulP, negP, selectP, sinP, subP } from '@primgrad/prim-ops';
import { unaryRule } from './helpers.js';

/** Linearize rules of the elementwise one-input prims. */
export const unaryRules: Readonly<Record<string, LinearizeRule>> = {
  // d(-x) = -dx
  neg_p: unaryRule((b, xDot) => negP(b, xDot)),

  // d exp(x) = y dx
  exp_p: unaryRule((b, xDot, _x, y) => mulP(b, y, xDot)),

  // d log(x) = dx / x
  log_p: unaryRule((b, xDot, x) => divP(b, xDot, x)),

  // d tanh(x) = (1 - y²) dx
  tanh_p: unaryRule((b, xDot, _x, y) => mulP(b, subP(b, fullLikeP(b, y, 1), mulP(b, y, y)), xDot)),

  // d sqrt(x) = dx / (2y)
  sqrt_p: unaryRule((b, xDot, _x, y) => divP(b, xDot, mulP(b, fullLikeP(b, y, 2), y))),

  // d sin(x) = cos(x) dx
  sin_p: unaryRule((b, xDot, x) => mulP(b, cosP(b, x), xDot)),

  // d cos(x) = -sin(x) dx
  cos_p: unaryRule((b, xDot, x) => negP(b, mulP(b, sinP(b, x), xDot))),

  // d|x| = sign(x) dx, taking sign(0) = 0 so the tangent at 0 is 0 rather than a one-sided slope.
  abs_p: unaryRule((b, xDot, x) => {
    const zero = fillConstantP(b, x.shape, x.dtype, 0);
    const belowZero = selectP(b, gtP(b, zero, x), negP(b, xDot), zero);
    return selectP(b, gtP(b, x, zero), xDot, belowZero);
  }),
};
