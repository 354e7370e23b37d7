import { intListAttr, type TransposeRule } from '@primgrad/ir';
import { padP } from '@primgrad/prim-ops';
import { unaryTransposeRule } from './helpers.js';

/** Transpose rule of slice_p. */
export const sliceRules: Readonly<Record<string, TransposeRule>> = {
  // out = x[start:end:step] per axis: x̄ = ct placed back at those positions in zeros, which is
  // pad_p with start zeros before, step - 1 between neighbours and the rest of the axis after
  slice_p: unaryTransposeRule((b, ct, x, op) => {
    const starts = intListAttr(op.type, op.attrs, 'starts');
    const steps = intListAttr(op.type, op.attrs, 'steps');
    const after = x.shape.map((dim, i) => {
      const n = ct.shape[i]!;
      const last = n > 0 ? starts[i]! + (n - 1) * steps[i]! : starts[i]! - 1;
      return dim - last - 1;
    });
    return padP(b, ct, starts, after, steps.map((s) => s - 1));
  }),
};
