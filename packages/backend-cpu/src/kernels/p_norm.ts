/**
 * @file p_norm: (sum |x|^p)^(1/p) over `axis` (null: every element), for any positive finite p.
 *
 * To avoid overflow and underflow for large |x| or large p it computes, per result element,
 * m = max |x| and then m * (sum (|x|/m)^p)^(1/p). NaN anywhere in a group gives NaN; an infinite
 * element gives Infinity; an empty or all-zero group gives 0. p = 1 and p = 2 take direct paths.
 */
import { floatScalarAttr, type NDArray } from '@primgrad/ir';
import { allocOut, type CpuKernel } from '../kernel.js';
import { accumulate, forEachInGroup, reductionPlan, type ReductionPlan } from './reduce.js';

/** Per result element, the largest |x| (NaN when any element of its group is NaN). */
function maxAbs(x: NDArray, plan: ReductionPlan): Float64Array {
  const m = new Float64Array(plan.size);
  forEachInGroup(x, plan, (v, a) => {
    const w = Math.abs(v);
    if (w > m[a]! || w !== w) m[a] = w;
  });
  return m;
}

export const pNormKernel: CpuKernel = ([x], op, [t]) => {
  const p = floatScalarAttr('p_norm', op.attrs, 'porder', 2);
  const plan = reductionPlan('p_norm', op.attrs, x!.shape);
  const out = allocOut(t!);
  const od = out.data;
  if (p === 1) {
    const acc = new Float64Array(plan.size);
    accumulate(x!, plan, acc, 1);
    out.data.set(acc);
    return [out];
  }
  const m = maxAbs(x!, plan);
  const s = new Float64Array(plan.size);
  forEachInGroup(x!, plan, (v, a) => {
    const mm = m[a]!;
    const r = mm > 0 && mm < Infinity ? Math.abs(v) / mm : 0;
    s[a] += p === 2 ? r * r : r ** p;
  });
  const inv = 1 / p;
  for (let i = 0; i < plan.size; i++) {
    const mm = m[i]!;
    // NaN, 0 and Infinity are their own norms.
    od[i] = mm !== mm || mm === 0 || mm === Infinity ? mm : p === 2 ? mm * Math.sqrt(s[i]!) : mm * s[i]! ** inv;
  }
  return [out];
};
