import type { Builder, Var } from '@primgrad/ir';
import { div, equal, exp, reduceMax, reduceSum, sub, where } from '@primgrad/orig-ops';
import { scalar } from './helpers.js';

/** The softmax of x over some axes, and the lines where it is undefined. */
export interface GuardedSoftmax {
  /** exp(x - m) / sum(exp(x - m)) over the axes, and 0 on masked lines. */
  readonly probs: Var;
  /** True, with the reduced axes kept as size 1, on lines whose elements are all -Infinity (and over an empty axis). */
  readonly masked: Var;
}

/**
 * Emits the softmax of `x` over `axes` for the rules of softmax, log_softmax and logsumexp, as
 * their lowering computes it. The maximum m over the axes (0 where it is not finite) is
 * subtracted first and held constant, so no exp overflows and x - m is exact for large x.
 * exp(x - logsumexp(x)) would instead lose digits to the rounding of logsumexp.
 *
 * On a fully masked line the sum is 0. It is replaced by 1 before dividing, so the
 * probabilities there are 0 / 1 = 0 and their derivatives finite, not 0 / 0 = NaN.
 */
export function guardedSoftmax(b: Builder, x: Var, axes: readonly number[]): GuardedSoftmax {
  // Over an empty axis x has no elements to overflow, and reduce_max rejects an empty axis.
  const shifted = axes.some((a) => x.shape[a] === 0) ? x : sub(b, x, maxShift(b, x, axes));
  const exps = exp(b, shifted);
  const sum = reduceSum(b, exps, axes, true);
  const masked = equal(b, sum, scalar(b, 0, x.dtype));
  const safeSum = where(b, masked, scalar(b, 1, x.dtype), sum);
  return { probs: div(b, exps, safeSum), masked };
}

/**
 * Emits max(x) over `axes` with the axes kept, or 0 where that is not finite, held constant to
 * autodiff: softmax, log_softmax and logsumexp do not change when x is shifted by a constant
 * along the axes, so differentiating the rule again needs no derivative of the maximum.
 */
function maxShift(b: Builder, x: Var, axes: readonly number[]): Var {
  const max = reduceMax(b, x, axes, true);
  const zero = scalar(b, 0, x.dtype);
  // max - max is 0 exactly when max is finite.
  const shift = where(b, equal(b, sub(b, max, max), zero), max, zero);
  shift.stopGradient = true;
  return shift;
}

/**
 * Sets `xBar` to 0 on masked lines, where the op's result is a constant (-Infinity or NaN) and
 * the lowering selects it with a derivative of 0, whatever the cotangent there.
 */
export function zeroOnMasked(b: Builder, masked: Var, xBar: Var): Var {
  return where(b, masked, scalar(b, 0, xBar.dtype), xBar);
}
