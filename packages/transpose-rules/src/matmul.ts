import type { Builder, TransposeRule, Var } from '@primgrad/ir';
import { matmulP, transposeP } from '@primgrad/prim-ops';
import { soleLinearInput } from './helpers.js';

/** Swaps the last two axes of a batched matrix. */
function swapLastTwoAxes(b: Builder, x: Var): Var {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeP(b, x, perm);
}

/** Transpose rule of matmul_p. */
export const matmulRules: Readonly<Record<string, TransposeRule>> = {
  // out = x @ y with one factor fixed: x̄ = ct @ yᵀ, ȳ = xᵀ @ ct (transposing the last two axes)
  matmul_p: (b, op, [ct], linear) => {
    const linearIndex = soleLinearInput(op, linear);
    if (!ct || linearIndex === null) return [null, null];
    const [x, y] = op.inputs as [Var, Var];
    return linearIndex === 0 ? [matmulP(b, ct, swapLastTwoAxes(b, y)), null] : [null, matmulP(b, swapLastTwoAxes(b, x), ct)];
  },
};
