import { OpArgumentError, type Builder, type Op, type TransposeRule, type Var } from '@primgrad/ir';

/**
 * Makes the rule of a prim with one input that it is linear in: `transpose` maps the output
 * cotangent to the cotangent of the input `x`. A symbolic-zero cotangent stays a symbolic zero.
 */
export function unaryTransposeRule(transpose: (b: Builder, ct: Var, x: Var, op: Op) => Var): TransposeRule {
  return (b, op, [ct], linear) => [ct && linear[0] ? transpose(b, ct, op.inputs[0]!, op) : null];
}

/**
 * Returns the index of the one linear input of a prim that is linear in each input only while
 * the other is fixed (mul_p, matmul_p). Throws when both inputs are linear, because the op then
 * multiplies two tangents, which no transpose rule can undo.
 */
export function soleLinearInput(op: Op, linear: readonly boolean[]): 0 | 1 | null {
  if (linear[0] && linear[1]) {
    const [x, y] = op.inputs;
    throw new OpArgumentError(
      op.type,
      `cannot transpose: both inputs ('${x?.name}' and '${y?.name}') are linear, so the op multiplies two tangents and ` +
        'is not linear. A linearize rule must keep one factor a primal (residual) value.',
    );
  }
  if (linear[0]) return 0;
  if (linear[1]) return 1;
  return null;
}

/** Throws when an input that the prim is not linear in is marked linear. */
export function requireNotLinear(op: Op, linear: readonly boolean[], index: number, reason: string): void {
  if (linear[index]) {
    throw new OpArgumentError(
      op.type,
      `cannot transpose: input ${index} ('${op.inputs[index]?.name}') is marked linear, but ${reason}.`,
    );
  }
}
