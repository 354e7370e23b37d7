import { intListAttr, type TransposeRule } from '@primgrad/ir';
import { sliceP } from '@primgrad/prim-ops';
import { unaryTransposeRule } from './helpers.js';

/** Transpose rule of pad_p. */
export const padRules: Readonly<Record<string, TransposeRule>> = {
  // out = x with zeros around and between its elements: x̄ = ct at x's positions, which is
  // slice_p from `before` with step interior + 1
  pad_p: unaryTransposeRule((b, ct, x, op) => {
    const before = intListAttr(op.type, op.attrs, 'before');
    const interior = intListAttr(op.type, op.attrs, 'interior');
    const steps = interior.map((gap) => gap + 1);
    const ends = x.shape.map((d, i) => (d > 0 ? before[i]! + (d - 1) * steps[i]! + 1 : before[i]!));
    return sliceP(b, ct, before, ends, steps);
  }),
};
