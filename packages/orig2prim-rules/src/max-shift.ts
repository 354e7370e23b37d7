import type { Builder, Var } from '@primgrad/ir';
import { broadcastToP, divP, eqP, expP, fullLikeP, logP, reduceMaxP, reduceSumP, selectP, subP } from '@primgrad/prim-ops';

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

/** The exps of a shifted x and their sum over some axes, guarded for fully masked lines. */
export interface GuardedExpSum {
  /** exp of the shifted x. */
  readonly exps: Var;
  /** The sum of `exps` over the axes, kept as size 1, with 1 in place of 0, so log and division by it are finite. */
  readonly safeSum: Var;
  /** True where the sum is 0: on lines whose elements are all -Infinity (fully masked), or over an empty axis. */
  readonly masked: Var;
}

/**
 * Sums exp(`shifted`) over `axes`, guarded for fully masked lines ("double select", as in
 * p_norm). After the shift a line's sum is at least 1 unless every element is -Infinity, and
 * there it is 0: log(0) = -Infinity and 1/0 would meet the zero tangent of that line and give
 * Inf · 0 = NaN, even for a line the result does not use. So log and division get a safe sum of
 * 1 there, and `selectMasked` then replaces the result on those lines, with a derivative of 0.
 */
export function guardedExpSum(b: Builder, shifted: Var, axes: readonly number[]): GuardedExpSum {
  const exps = expP(b, shifted);
  const sum = reduceSumP(b, exps, axes, true);
  const masked = eqP(b, sum, fullLikeP(b, sum, 0));
  return { exps, safeSum: selectP(b, masked, fullLikeP(b, sum, 1), sum), masked };
}

/** A value that `selectMasked` puts on masked lines. */
export type MaskedValue = '-Infinity' | 'NaN';

/**
 * Replaces the elements of `y` on masked lines (`masked` has the kept shape) by `value`. Attrs
 * must stay finite so that a lowered program still saves as JSON, so the value is computed at
 * run time from a constant 0, as log(0) or 0 / 0.
 */
export function selectMasked(b: Builder, masked: Var, y: Var, value: MaskedValue): Var {
  const zeros = fullLikeP(b, y, 0);
  const fill = value === '-Infinity' ? logP(b, zeros) : divP(b, zeros, zeros);
  return selectP(b, broadcastToP(b, masked, y.shape), fill, y);
}
