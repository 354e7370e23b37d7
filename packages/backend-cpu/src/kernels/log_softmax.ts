/**
 * @file log_softmax over attr `axis` (the last axis by default, every axis when null, or a list
 * of axes), computed per group in float64 as (x - m) - log(sum(exp(x - m))), m being the group's maximum, or 0 when
 * that is not finite. A group of only -Infinity gives NaN (-Infinity - -Infinity).
 */
import { softmaxAxes } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachGroupIndex, forEachInGroup, groupPlan } from './reduce.js';
import { groupShift } from './softmax.js';

export const logSoftmaxKernel: CpuKernel = ([x], op, [t]) => {
  const plan = groupPlan(x!.shape, softmaxAxes('log_softmax', op.attrs, x!.shape));
  const shift = groupShift(x!, plan);
  const sum = new Float64Array(plan.size);
  forEachInGroup(x!, plan, (v, g) => {
    sum[g] += Math.exp(v - shift[g]!);
  });
  const logSum = sum.map(Math.log);
  const xd = x!.data;
  const out = allocOut(t!);
  const od = out.data;
  forEachGroupIndex(x!.shape, plan, (i, g) => {
    od[i] = xd[i]! - shift[g]! - logSum[g]!;
  });
  return [out];
};
