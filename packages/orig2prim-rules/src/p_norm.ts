import { boolAttr, floatScalarAttr, type Builder, type Orig2PrimRule, type Var } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { absP, eqP, fullLikeP, mulP, powP, reduceSumP, selectP, sqrtP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

/**
 * Applies `f` where `x` is not 0 and returns 0 where it is, with a derivative of 0 there.
 * `f` must map 0 to 0.
 *
 * Where `f` has an infinite derivative at 0 (sqrt, t^(1/p) for p > 1, t^p for p < 1), the
 * plain chain rule gives Inf * 0 = NaN at 0, the NaN gradient of naive norm implementations.
 * One select on the output is not enough, because its transpose still sends a zero cotangent
 * into f's derivative at 0. So `f` is given a safe input of 1 at those elements ("double
 * where"), which keeps the forward value exact and makes the derivative at 0 equal 0, not NaN.
 */
function guardZero(b: Builder, x: Var, f: (safe: Var) => Var): Var {
  const zeros = fullLikeP(b, x, 0);
  const isZero = eqP(b, x, zeros);
  const safe = selectP(b, isZero, fullLikeP(b, x, 1), x);
  return selectP(b, isZero, zeros, f(safe));
}

/**
 * p_norm(x) = (sum |x|^p)^(1/p) over `axis`. p = 1 is a sum of |x|, p = 2 the root of a sum of
 * squares, and any other p goes through pow_p with both powers guarded at 0.
 *
 * With the guards, the gradient where the norm is 0 is 0, which is a subgradient for p >= 1.
 * For p < 1 the true partial derivative at an element equal to 0 is infinite, and the guard
 * on |x|^p returns 0 for it instead.
 */
export const pNorm: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const p = floatScalarAttr('p_norm', op.attrs, 'porder', 2);
  const axes = reductionAxes('p_norm', op.attrs, x.shape);
  const keepdim = boolAttr('p_norm', op.attrs, 'keepdim', false);

  if (p === 1) return [reduceSumP(b, absP(b, x), axes, keepdim)];
  if (p === 2) {
    const sumOfSquares = reduceSumP(b, mulP(b, x, x), axes, keepdim);
    return [guardZero(b, sumOfSquares, (safe) => sqrtP(b, safe))];
  }
  const magnitude = absP(b, x);
  const powered = guardZero(b, magnitude, (safe) => powP(b, safe, fullLikeP(b, safe, p)));
  const sum = reduceSumP(b, powered, axes, keepdim);
  return [guardZero(b, sum, (safe) => powP(b, safe, fullLikeP(b, safe, 1 / p)))];
};
