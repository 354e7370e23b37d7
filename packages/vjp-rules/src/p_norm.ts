import { floatScalarAttr, type VjpRule } from '@primgrad/ir';
import { abs, div, equal, greaterThan, mul, neg, pow, reductionAxes, where } from '@primgrad/orig-ops';
import { scalar, toKeptShape, unaryVjp } from './helpers.js';

/**
 * x̄ = ct sign(x) (|x| / n)^(p-1), with n the norm broadcast back along the reduced axes; for
 * p = 2 that is ct x / n.
 *
 * Where n = 0 every element of its slice is 0 and x̄ there is 0, not NaN: n is replaced by 1
 * before dividing, and for general p the powered ratio is taken of 1 at elements equal to 0
 * (0^(p-1) is Inf for p < 1) and then dropped by sign(0) = 0. The guards sit on the inputs of
 * div and pow, and a select on the result makes x̄ constant on a zero slice, so its derivative
 * there is 0 rather than NaN.
 */
export const pNorm: VjpRule = unaryVjp((b, ct, x, norm, op) => {
  const p = floatScalarAttr('p_norm', op.attrs, 'porder', 2);
  const axes = reductionAxes('p_norm', op.attrs, x.shape);
  const ctKept = toKeptShape(b, ct, x.shape, axes);
  const normKept = toKeptShape(b, norm, x.shape, axes);
  const zero = scalar(b, 0, x.dtype);
  const one = scalar(b, 1, x.dtype);
  const normIsZero = equal(b, normKept, zero);
  const safeNorm = where(b, normIsZero, one, normKept);
  // The outer select makes the slope constant (0) on a zero slice, so the second derivative
  // there is 0, as the prim mechanism's lowering of p_norm gives.
  if (p === 2) return mul(b, ctKept, where(b, normIsZero, zero, div(b, x, safeNorm)));

  const ratio = div(b, abs(b, x), safeNorm);
  const safeRatio = where(b, equal(b, x, zero), one, ratio);
  const powered = pow(b, safeRatio, scalar(b, p - 1, x.dtype));
  const signed = where(b, greaterThan(b, x, zero), powered, where(b, greaterThan(b, zero, x), neg(b, powered), zero));
  return mul(b, ctKept, where(b, normIsZero, zero, signed));
});
