import type { Builder, LinearizeRule, Op, Var } from '@primgrad/ir';
import { addP } from '@primgrad/prim-ops';

/**
 * Makes the rule of a one-input, one-output prim. `jvp` receives the input tangent `xDot`, the
 * primal input `x` and the output `y`, and returns the output tangent. A symbolic-zero input
 * tangent gives a symbolic-zero output tangent without calling `jvp`.
 */
export function unaryRule(jvp: (b: Builder, xDot: Var, x: Var, y: Var, op: Op) => Var | null): LinearizeRule {
  return (b, op, [xDot]) => [xDot ? jvp(b, xDot, op.inputs[0]!, op.outputs[0]!, op) : null];
}

/** The rule of a prim that is linear in its only input: the same op, with the same attrs, applied to the tangent. */
export const sameOpOnTangent: LinearizeRule = unaryRule((b, xDot, _x, _y, op) => b.emit1(op.type, [xDot], op.attrs));

/** The rule of a prim whose outputs carry no derivative (comparisons, constants): every output tangent is a symbolic zero. */
export const zeroTangents: LinearizeRule = (_b, op) => op.outputs.map(() => null);

/** Adds the tangent terms that are present; returns null (a symbolic zero) when none is. */
export function sumTerms(b: Builder, ...terms: readonly (Var | null)[]): Var | null {
  let sum: Var | null = null;
  for (const term of terms) {
    if (term) sum = sum ? addP(b, sum, term) : term;
  }
  return sum;
}
