import type { Orig2PrimRule } from '@primgrad/ir';
import { addP, divP, expP, fullLikeP, geP, negP, selectP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

/**
 * sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = exp(-|x|) <= 1, so
 * neither branch overflows for large |x|.
 *
 * -|x| is formed by a select between -x and x, not by abs_p: abs_p's tangent is 0 at x = 0,
 * which would make the derivative there 0 instead of sigmoid'(0) = 1/4. The select takes the
 * x >= 0 branch at 0, whose derivative is exact.
 */
export const sigmoid: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const ones = fullLikeP(b, x, 1);
  const nonNegative = geP(b, x, fullLikeP(b, x, 0));
  const e = expP(b, selectP(b, nonNegative, negP(b, x), x));
  return [divP(b, selectP(b, nonNegative, ones, e), addP(b, ones, e))];
};
