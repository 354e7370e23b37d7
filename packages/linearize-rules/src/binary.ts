import type { Builder, LinearizeRule, Var } from '@primgrad/ir';
import {
  divP,
  eqP,
  fullLikeP,
  gtP,
  logP,
  mulP,
  negP,
  powP,
  selectP,
  subP,
} from '@primgrad/prim-ops';
import { sumTerms, zeroTangents } from './helpers.js';

/**
 * Returns the weight of `a`'s tangent in the tangent of max(a, other): 1 where a > other, 0 where
 * a < other, and 1/2 at ties. A tie thus splits the tangent evenly between both inputs, as JAX does.
 */
function maxWeight(b: Builder, a: Var, other: Var): Var {
  const tie = selectP(b, eqP(b, a, other), fullLikeP(b, a, 0.5), fullLikeP(b, a, 0));
  return selectP(b, gtP(b, a, other), fullLikeP(b, a, 1), tie);
}

/** Linearize rules of the elementwise two-input prims (inputs of one shape) and the comparisons. */
export const binaryRules: Readonly<Record<string, LinearizeRule>> = {
  // d(x + y) = dx + dy
  add_p: (b, _op, [xDot, yDot]) => [sumTerms(b, xDot ?? null, yDot ?? null)],

  // d(x - y) = dx - dy
  sub_p: (b, _op, [xDot, yDot]) => {
    if (xDot && yDot) return [subP(b, xDot, yDot)];
    return [xDot ?? (yDot ? negP(b, yDot) : null)];
  },

  // d(x y) = dx y + x dy
  mul_p: (b, op, [xDot, yDot]) => {
    const [x, y] = op.inputs as [Var, Var];
    return [sumTerms(b, xDot ? mulP(b, xDot, y) : null, yDot ? mulP(b, x, yDot) : null)];
  },

  // d(x / y) = (dx - out dy) / y
  div_p: (b, op, [xDot, yDot]) => {
    const y = op.inputs[1]!;
    const out = op.outputs[0]!;
    if (!xDot && !yDot) return [null];
    if (!yDot) return [divP(b, xDot!, y)];
    const outTimesYDot = mulP(b, out, yDot);
    const numerator = xDot ? subP(b, xDot, outTimesYDot) : negP(b, outTimesYDot);
    return [divP(b, numerator, y)];
  },

  // d max(x, y) = w dx + (1 - w) dy, with w = 1 where x > y, 0 where x < y and 1/2 at ties
  max_p: (b, op, [xDot, yDot]) => {
    const [x, y] = op.inputs as [Var, Var];
    const xTerm = xDot ? mulP(b, maxWeight(b, x, y), xDot) : null;
    const yTerm = yDot ? mulP(b, maxWeight(b, y, x), yDot) : null;
    return [sumTerms(b, xTerm, yTerm)];
  },

  // d(x ** y) = y x^(y-1) dx + log(x) x^y dy, where the log term is 0 at x = 0
  pow_p: (b, op, [xDot, yDot]) => {
    const [x, y] = op.inputs as [Var, Var];
    const out = op.outputs[0]!;
    // y x^(y-1) rather than y out / x, which is NaN at x = 0. Where y = 0 the slope is 0, not
    // 0 · x^(-1), which is NaN at x = 0; repeated derivatives of x^n reach that point. x is
    // replaced by 1 there before pow too, so derivatives of this slope stay finite as well.
    let xTerm: Var | null = null;
    if (xDot) {
      const yIsZero = eqP(b, y, fullLikeP(b, y, 0));
      const base = selectP(b, yIsZero, fullLikeP(b, x, 1), x);
      const slope = mulP(b, y, powP(b, base, subP(b, y, fullLikeP(b, y, 1))));
      xTerm = mulP(b, selectP(b, yIsZero, fullLikeP(b, y, 0), slope), xDot);
    }
    let yTerm: Var | null = null;
    if (yDot) {
      // Where x = 0 and y > 0 the term is 0 · log(0), whose limit is 0. Computing log(0) would
      // give 0 · -inf = NaN, so x = 0 is replaced by 1, whose log is 0.
      const safeX = selectP(b, eqP(b, x, fullLikeP(b, x, 0)), fullLikeP(b, x, 1), x);
      yTerm = mulP(b, mulP(b, out, logP(b, safeX)), yDot);
    }
    return [sumTerms(b, xTerm, yTerm)];
  },

  // Comparisons return bool, which carries no tangent.
  eq_p: zeroTangents,
  gt_p: zeroTangents,
  ge_p: zeroTangents,
};
