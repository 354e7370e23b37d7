/**
 * @file logsumexp over `axis` (null: every axis), with `keepdim`: m + log(sum(exp(x - m))) per
 * group, m being the group's maximum, or 0 when that maximum is not finite. So no exp overflows,
 * -Infinity elements add 0, a group of only -Infinity (or an empty group) gives -Infinity, and a
 * +Infinity element gives +Infinity.
 */
import { boolAttr, stridesOf } from '@primgrad/ir';
import { allocOut, type CpuKernel } from '../kernel.js';
import { reductionPlan } from './reduce.js';
import { groupMax } from './reduce_max.js';
import { forEachRow } from './strided.js';

export const logsumexpKernel: CpuKernel = ([x], op, [t]) => {
  boolAttr('logsumexp', op.attrs, 'keepdim', false);
  const plan = reductionPlan('logsumexp', op.attrs, x!.shape);
  const shift = groupMax(x!, plan).map((m) => (Number.isFinite(m) ? m : 0));
  const sum = new Float64Array(plan.size);
  const xd = x!.data;
  forEachRow(x!.shape, [stridesOf(x!.shape), plan.accStrides], (off, n, inner) => {
    let xi = off[0]!;
    let a = off[1]!;
    const sx = inner[0]!;
    const sa = inner[1]!;
    for (let j = 0; j < n; j++, xi += sx, a += sa) sum[a] += Math.exp(xd[xi]! - shift[a]!);
  });
  const out = allocOut(t!);
  for (let i = 0; i < plan.size; i++) out.data[i] = Math.log(sum[i]!) + shift[i]!;
  return [out];
};
