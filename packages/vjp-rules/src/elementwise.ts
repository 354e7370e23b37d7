import { floatScalarAttr, type VjpRule } from '@primgrad/ir';
import { cos, div, greaterEqual, greaterThan, mul, neg, scale, sigmoid, sin, where } from '@primgrad/orig-ops';
import { binaryVjp, scalar, unaryVjp, unbroadcast } from './helpers.js';

/** Vjp rules of the elementwise native ops whose derivative is a plain expression of x and y. */
export const elementwiseRules: Readonly<Record<string, VjpRule>> = {
  // x̄ = ct, ȳ = ct, each summed over the axes it was broadcast along
  add: binaryVjp(
    (_b, ct) => ct,
    (_b, ct) => ct,
  ),

  // x̄ = ct, ȳ = -ct; the negation runs after the sum, on the smaller operand shape
  sub: (b, op, [ct], needed) => {
    if (!ct) return [null, null];
    const [x, y] = op.inputs;
    return [needed[0] ? unbroadcast(b, ct, x!.shape) : null, needed[1] ? neg(b, unbroadcast(b, ct, y!.shape)) : null];
  },

  // x̄ = ct y, ȳ = ct x
  mul: binaryVjp(
    (b, ct, op) => mul(b, ct, op.inputs[1]!),
    (b, ct, op) => mul(b, ct, op.inputs[0]!),
  ),

  // x̄ = ct / y, ȳ = -ct x / y² = -(ct / y) out
  div: (b, op, [ct], needed) => {
    if (!ct) return [null, null];
    const [x, y] = op.inputs;
    const ctOverY = div(b, ct, y!);
    return [
      needed[0] ? unbroadcast(b, ctOverY, x!.shape) : null,
      needed[1] ? unbroadcast(b, neg(b, mul(b, ctOverY, op.outputs[0]!)), y!.shape) : null,
    ];
  },

  // x̄ = -ct
  neg: unaryVjp((b, ct) => neg(b, ct)),

  // x̄ = ct exp(x) = ct y
  exp: unaryVjp((b, ct, _x, y) => mul(b, ct, y)),

  // x̄ = ct / x
  log: unaryVjp((b, ct, x) => div(b, ct, x)),

  // x̄ = ct (1 - y²)
  tanh: unaryVjp((b, ct, _x, y) => mul(b, ct, scale(b, mul(b, y, y), -1, 1))),

  // x̄ = ct / (2y)
  sqrt: unaryVjp((b, ct, _x, y) => div(b, ct, scale(b, y, 2))),

  // x̄ = ct cos(x)
  sin: unaryVjp((b, ct, x) => mul(b, ct, cos(b, x))),

  // x̄ = -ct sin(x)
  cos: unaryVjp((b, ct, x) => neg(b, mul(b, ct, sin(b, x)))),

  // x̄ = ct sign(x), with sign(0) = 0 as in the linearize rule of abs_p
  abs: unaryVjp((b, ct, x) => {
    const zero = scalar(b, 0, x.dtype);
    const belowZero = where(b, greaterThan(b, zero, x), neg(b, ct), zero);
    return where(b, greaterThan(b, x, zero), ct, belowZero);
  }),

  // x̄ = ct y sigmoid(-x), which is y (1 - y) without the rounding of 1 - y to 0 for large x
  sigmoid: unaryVjp((b, ct, x, y) => mul(b, ct, mul(b, y, sigmoid(b, neg(b, x))))),

  // x̄ = ct where x > 0, else 0; 0 at x = 0 as in the lowering select(0 >= x, 0, x)
  relu: unaryVjp((b, ct, x) => {
    const zero = scalar(b, 0, x.dtype);
    return where(b, greaterEqual(b, zero, x), zero, ct);
  }),

  // x̄ = ct
  assign: unaryVjp((_b, ct) => ct),

  // x̄ = scale ct; the bias is a constant
  scale: unaryVjp((b, ct, _x, _y, op) => {
    const factor = floatScalarAttr('scale', op.attrs, 'scale', 1);
    return factor === 1 ? ct : scale(b, ct, factor);
  }),
};
