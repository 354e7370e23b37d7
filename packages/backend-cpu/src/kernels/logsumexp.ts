/**
 * @file logsumexp over `axis` (null: every axis), with `keepdim`: m + log(sum(exp(x - m))) per
 * group, m being the group's maximum, or 0 when that maximum is not finite. So no exp overflows,
 * -Infinity elements add 0, a group of only -Infinity (or an empty group) gives -Infinity, and a
 * +Infinity element gives +Infinity.
 */
import { boolAttr } from '@primgrad/ir';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachInGroup, reductionPlan } from './reduce.js';
import { groupShift } from './softmax.js';

export const logsumexpKernel: CpuKernel = ([x], op, [t]) => {
  boolAttr('logsumexp', op.attrs, 'keepdim', false);
  const plan = reductionPlan('logsumexp', op.attrs, x!.shape);
  const shift = groupShift(x!, plan);
  const sum = new Float64Array(plan.size);
  forEachInGroup(x!, plan, (v, a) => {
    sum[a] += Math.exp(v - shift[a]!);
  });
  const out = allocOut(t!);
  for (let i = 0; i < plan.size; i++) out.data[i] = Math.log(sum[i]!) + shift[i]!;
  return [out];
};
