/**
 * @file softmax over attr `axis` (the last axis by default, every axis when null, or a list of
 * axes), computed per group of elements that share the other coordinates, in float64, as
 * exp(x - m) / sum(exp(x - m)), m being the group's maximum, or 0 when that maximum is not
 * finite. So no exp overflows. A group of only -Infinity, or one holding NaN, gives NaN. A
 * +Infinity element gives NaN (Infinity / Infinity) and the other elements of its group 0.
 */
import type { NDArray } from '@primgrad/ir';
import { softmaxAxes } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachGroupIndex, groupPlan, type ReductionPlan } from './reduce.js';
import { groupMax } from './reduce_max.js';

/** Returns, per group of `plan`, the shift that keeps exp(x - shift) <= 1: the maximum, or 0 when that is not finite. */
export function groupShift(x: NDArray, plan: ReductionPlan): Float64Array {
  return groupMax(x, plan).map((m) => (Number.isFinite(m) ? m : 0));
}

export const softmaxKernel: CpuKernel = ([x], op, [t]) => {
  const plan = groupPlan(x!.shape, softmaxAxes('softmax', op.attrs, x!.shape));
  const shift = groupShift(x!, plan);
  const xd = x!.data;
  const exps = new Float64Array(xd.length);
  const sum = new Float64Array(plan.size);
  forEachGroupIndex(x!.shape, plan, (i, g) => {
    exps[i] = Math.exp(xd[i]! - shift[g]!);
    sum[g] += exps[i]!;
  });
  const out = allocOut(t!);
  const od = out.data;
  forEachGroupIndex(x!.shape, plan, (i, g) => {
    od[i] = exps[i]! / sum[g]!;
  });
  return [out];
};
