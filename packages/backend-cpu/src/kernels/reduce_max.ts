/**
 * @file reduce_max over `axis` (null: every axis; a list of axes; negative axes count from the
 * end), with `keepdim`. NaN anywhere in a group gives NaN, as numpy.max does.
 */
import { boolAttr, type NDArray } from '@primgrad/ir';
import { requireNonEmptyAxes } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachInGroup, reductionPlan, type ReductionPlan } from './reduce.js';

/** Computes, per result element of `plan`, the largest element of its group: NaN if the group contains NaN, -Infinity if it is empty. */
export function groupMax(x: NDArray, plan: ReductionPlan): Float64Array {
  const max = new Float64Array(plan.size).fill(-Infinity);
  forEachInGroup(x, plan, (v, a) => {
    // Once the maximum is NaN, no v > NaN holds, so NaN stays.
    if (v > max[a]! || v !== v) max[a] = v;
  });
  return max;
}

export const reduceMaxKernel: CpuKernel = ([x], op, [t]) => {
  boolAttr('reduce_max', op.attrs, 'keepdim', false);
  const plan = reductionPlan('reduce_max', op.attrs, x!.shape);
  requireNonEmptyAxes('reduce_max', x!.shape, plan.axes);
  const out = allocOut(t!);
  out.data.set(groupMax(x!, plan));
  return [out];
};
