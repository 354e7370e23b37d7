import { intAttr, type LinearizeRule } from '@primgrad/ir';
import { concatP, fullLikeP } from '@primgrad/prim-ops';

/** Linearize rule of concat_p. */
export const concatRules: Readonly<Record<string, LinearizeRule>> = {
  // d concat(x, ...) = concat(dx, ...), with zeros for the inputs whose tangent is a symbolic zero
  concat_p: (b, op, tangents) => {
    if (tangents.every((t) => !t)) return [null];
    const parts = op.inputs.map((x, i) => tangents[i] ?? fullLikeP(b, x, 0));
    return [concatP(b, parts, intAttr(op.type, op.attrs, 'axis'))];
  },
};
