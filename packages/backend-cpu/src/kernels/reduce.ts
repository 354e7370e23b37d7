/**
 * @file reduce_sum and reduce_mean over `axis` (null: every axis; a list of axes; negative axes
 * count from the end), with `keepdim`. Sums accumulate in float64 and are rounded once. The mean
 * of an empty reduction is NaN (0 / 0), as in numpy.
 */
import { boolAttr, stridesOf, type NDArray, type Shape } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachRow } from './strided.js';

export interface ReductionPlan {
  /** The reduced axes, sorted. */
  readonly axes: number[];
  /** The result's element count (one accumulator per result element). */
  readonly size: number;
  /** How many input elements fold into each result element. */
  readonly count: number;
  /** Per input dim, the accumulator stride: 0 along reduced dims. */
  readonly accStrides: number[];
}

/** Works out which axes `op` reduces and how input elements map to result elements. */
export function reductionPlan(op: string, attrs: Readonly<Record<string, unknown>>, shape: Shape): ReductionPlan {
  return groupPlan(shape, reductionAxes(op, attrs, shape));
}

/** Groups the elements of `shape` that share every coordinate off `axes` (sorted, non-negative). */
export function groupPlan(shape: Shape, axes: readonly number[]): ReductionPlan {
  const kept = shape.filter((_, d) => !axes.includes(d));
  const keptStrides = stridesOf(kept);
  const accStrides: number[] = [];
  let q = 0;
  let count = 1;
  for (let d = 0; d < shape.length; d++) {
    if (axes.includes(d)) {
      accStrides.push(0);
      count *= shape[d]!;
    } else {
      accStrides.push(keptStrides[q++]!);
    }
  }
  let size = 1;
  for (const d of kept) size *= d;
  return { axes: [...axes], size, count, accStrides };
}

/** Calls `visit(value, r)` for every input element, with r the index of its result element. */
export function forEachInGroup(x: NDArray, plan: ReductionPlan, visit: (value: number, result: number) => void): void {
  const xd = x.data;
  forEachRow(x.shape, [stridesOf(x.shape), plan.accStrides], (off, n, inner) => {
    let xi = off[0]!;
    let a = off[1]!;
    const sx = inner[0]!;
    const sa = inner[1]!;
    for (let j = 0; j < n; j++, xi += sx, a += sa) visit(xd[xi]!, a);
  });
}

/** Calls `visit(index, r)` for every element of `shape` in row-major order, with r the index of its group. */
export function forEachGroupIndex(shape: Shape, plan: ReductionPlan, visit: (index: number, result: number) => void): void {
  forEachRow(shape, [stridesOf(shape), plan.accStrides], (off, n, inner) => {
    let i = off[0]!;
    let a = off[1]!;
    const si = inner[0]!;
    const sa = inner[1]!;
    for (let j = 0; j < n; j++, i += si, a += sa) visit(i, a);
  });
}

/** acc[r] += f(x) over every input element x of result element r. */
export function accumulate(x: NDArray, plan: ReductionPlan, acc: Float64Array, absPow?: number): void {
  const xd = x.data;
  forEachRow(x.shape, [stridesOf(x.shape), plan.accStrides], (off, n, inner) => {
    let xi = off[0]!;
    let a = off[1]!;
    const sx = inner[0]!;
    const sa = inner[1]!;
    if (absPow === undefined) {
      for (let j = 0; j < n; j++, xi += sx, a += sa) acc[a] += xd[xi]!;
    } else {
      for (let j = 0; j < n; j++, xi += sx, a += sa) acc[a] += Math.abs(xd[xi]!) ** absPow;
    }
  });
}

function checkKeepdim(op: string, attrs: Readonly<Record<string, unknown>>): void {
  boolAttr(op, attrs, 'keepdim', false);
}

export const reduceSumKernel: CpuKernel = ([x], op, [t]) => {
  checkKeepdim('reduce_sum', op.attrs);
  const plan = reductionPlan('reduce_sum', op.attrs, x!.shape);
  const acc = new Float64Array(plan.size);
  accumulate(x!, plan, acc);
  const out = allocOut(t!);
  out.data.set(acc);
  return [out];
};

export const reduceMeanKernel: CpuKernel = ([x], op, [t]) => {
  checkKeepdim('reduce_mean', op.attrs);
  const plan = reductionPlan('reduce_mean', op.attrs, x!.shape);
  const acc = new Float64Array(plan.size);
  accumulate(x!, plan, acc);
  const out = allocOut(t!);
  const od = out.data;
  for (let i = 0; i < acc.length; i++) od[i] = acc[i]! / plan.count;
  return [out];
};
