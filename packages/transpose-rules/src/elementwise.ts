import type { TransposeRule, Var } from '@primgrad/ir';
import { divP, fullLikeP, mulP, negP, selectP } from '@primgrad/prim-ops';
import { requireNotLinear, soleLinearInput, unaryTransposeRule } from './helpers.js';

/** Transpose rules of the elementwise prims (inputs and output of one shape). */
export const elementwiseRules: Readonly<Record<string, TransposeRule>> = {
  // out = x + y: x̄ = ct, ȳ = ct
  add_p: (_b, _op, [ct], linear) => [ct && linear[0] ? ct : null, ct && linear[1] ? ct : null],

  // out = x - y: x̄ = ct, ȳ = -ct
  sub_p: (b, _op, [ct], linear) => [ct && linear[0] ? ct : null, ct && linear[1] ? negP(b, ct) : null],

  // out = x y with one factor fixed: the linear input's cotangent is ct times the other factor
  mul_p: (b, op, [ct], linear) => {
    const linearIndex = soleLinearInput(op, linear);
    if (!ct || linearIndex === null) return [null, null];
    const other = op.inputs[1 - linearIndex]!;
    const ctIn = mulP(b, ct, other);
    return linearIndex === 0 ? [ctIn, null] : [null, ctIn];
  },

  // out = x / y with y fixed: x̄ = ct / y
  div_p: (b, op, [ct], linear) => {
    requireNotLinear(op, linear, 1, 'div_p is linear in its numerator only');
    return [ct && linear[0] ? divP(b, ct, op.inputs[1]!) : null, null];
  },

  // out = -x: x̄ = -ct
  neg_p: unaryTransposeRule((b, ct) => negP(b, ct)),

  // out = select(c, x, y): x̄ = select(c, ct, 0), ȳ = select(c, 0, ct)
  select_p: (b, op, [ct], linear) => {
    requireNotLinear(op, linear, 0, 'the condition of select_p is bool and carries no tangent');
    if (!ct || (!linear[1] && !linear[2])) return [null, null, null];
    const condition = op.inputs[0]!;
    const zero = fullLikeP(b, ct, 0);
    const xBar: Var | null = linear[1] ? selectP(b, condition, ct, zero) : null;
    const yBar: Var | null = linear[2] ? selectP(b, condition, zero, ct) : null;
    return [null, xBar, yBar];
  },
};
