import type { Builder, Var } from '@primgrad/ir';
import { broadcastToP, eqP, fullLikeP, reduceMaxP, selectP, subP } from '@primgrad/prim-ops';

export interface MaxShift {
  /** x minus the shift, broadcast back to x's shape. */
  readonly shifted: Var;
  /**
   * The shift: the maximum over the axes, or 0 where that is not finite, with the reduced axes kept
   * as size 1. Null when an axis is empty and x is left unshifted.
   */
  readonly max: Var | null;
}

/**
 * Subtracts from `x` its maximum over `axes`, so that exp of the result is at most 1 and cannot
 * overflow. The shift is held constant to autodiff (its var has stopGradient set), so linearize
 * emits no tangent ops for reduce_max_p. That is exact, not an approximation: softmax, log_softmax and
 * logsumexp are unchanged when x is shifted by any constant along the axes, so holding the shift
 * fixed changes none of their derivatives.
 *
 * A maximum that is not finite becomes 0. With every element -Infinity, x - max would be
 * -Infinity - -Infinity = NaN instead of -Infinity, and with a +Infinity element logsumexp would
 * be NaN instead of +Infinity.
 */
export function shiftByMax(b: Builder, x: Var, axes: readonly number[]): MaxShift {
  // A maximum over an empty axis is undefined, but x then has no elements to overflow either.
  if (axes.some((a) => x.shape[a] === 0)) return { shifted: x, max: null };
  const max = reduceMaxP(b, x, axes, true);
  const zeros = fullLikeP(b, max, 0);
  // max - max is 0 exactly when max is finite, and NaN for ±Infinity and NaN.
  const finite = eqP(b, subP(b, max, max), zeros);
  const safeMax = selectP(b, finite, max, zeros);
  safeMax.stopGradient = true;
  return { shifted: subP(b, x, broadcastToP(b, safeMax, x.shape)), max: safeMax };
}
