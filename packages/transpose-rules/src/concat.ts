import { intAttr, type TransposeRule, type Var } from '@primgrad/ir';
import { sliceP } from '@primgrad/prim-ops';

/** Transpose rule of concat_p. */
export const concatRules: Readonly<Record<string, TransposeRule>> = {
  // out = concat(x₀, x₁, ...) along an axis: x̄ᵢ = the part of ct that xᵢ fills
  concat_p: (b, op, [ct], linear) => {
    if (!ct) return op.inputs.map(() => null);
    const axis = intAttr(op.type, op.attrs, 'axis');
    let offset = 0;
    return op.inputs.map((x, i): Var | null => {
      const start = offset;
      offset += x.shape[axis]!;
      if (!linear[i]) return null;
      const starts = x.shape.map((_, d) => (d === axis ? start : 0));
      const ends = ct.shape.map((dim, d) => (d === axis ? offset : dim));
      return sliceP(b, ct, starts, ends, x.shape.map(() => 1));
    });
  },
};
