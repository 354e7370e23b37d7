import type { LinearizeRule } from '@primgrad/ir';
import { fullLikeP, selectP } from '@primgrad/prim-ops';

/** Linearize rule of select_p. */
export const selectRules: Readonly<Record<string, LinearizeRule>> = {
  // d select(c, x, y) = select(c, dx, dy); the bool condition has no tangent
  select_p: (b, op, [, xDot, yDot]) => {
    if (!xDot && !yDot) return [null];
    const out = op.outputs[0]!;
    return [selectP(b, op.inputs[0]!, xDot ?? fullLikeP(b, out, 0), yDot ?? fullLikeP(b, out, 0))];
  },
};
