import type { LinearizeRule, Var } from '@primgrad/ir';
import { matmulP } from '@primgrad/prim-ops';
import { sumTerms } from './helpers.js';

/** Linearize rule of matmul_p. */
export const matmulRules: Readonly<Record<string, LinearizeRule>> = {
  // d(x @ y) = dx @ y + x @ dy
  matmul_p: (b, op, [xDot, yDot]) => {
    const [x, y] = op.inputs as [Var, Var];
    return [sumTerms(b, xDot ? matmulP(b, xDot, y) : null, yDot ? matmulP(b, x, yDot) : null)];
  },
};
