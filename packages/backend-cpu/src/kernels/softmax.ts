/**
 * @file softmax along one axis (attr `axis`, default -1), computed per line of x along that axis
 * in float64 as exp(x - m) / sum(exp(x - m)), m being the line's maximum, or 0 when that maximum
 * is not finite. So no exp overflows. A line of only -Infinity, or one holding NaN, gives NaN; a
 * +Infinity element gives NaN (Infinity / Infinity) and the other elements of its line 0.
 */
import type { NDArray, Shape } from '@primgrad/ir';
import { softmaxAxis } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';

/**
 * Calls `line(offset, n, stride)` for every line of `shape` along `axis`: the flat offset of
 * its first element, its length and the distance between its elements.
 */
export function forEachLine(shape: Shape, axis: number, line: (offset: number, n: number, stride: number) => void): void {
  const n = shape[axis]!;
  const stride = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < stride; i++) line(o * n * stride + i, n, stride);
  }
}

/** Returns the shift that keeps exp(x - shift) <= 1 on one line: its maximum, or 0 when that is not finite. */
export function lineShift(x: NDArray['data'], offset: number, n: number, stride: number): number {
  let max = -Infinity;
  for (let j = 0, k = offset; j < n; j++, k += stride) {
    const v = x[k]!;
    if (v > max || v !== v) max = v;
  }
  return Number.isFinite(max) ? max : 0;
}

export const softmaxKernel: CpuKernel = ([x], op, [t]) => {
  const axis = softmaxAxis('softmax', op.attrs, x!.shape);
  const out = allocOut(t!);
  const xd = x!.data;
  const od = out.data;
  const e = new Float64Array(x!.shape[axis]!);
  forEachLine(x!.shape, axis, (offset, n, stride) => {
    const shift = lineShift(xd, offset, n, stride);
    let sum = 0;
    for (let j = 0, k = offset; j < n; j++, k += stride) {
      e[j] = Math.exp(xd[k]! - shift);
      sum += e[j]!;
    }
    for (let j = 0, k = offset; j < n; j++, k += stride) od[k] = e[j]! / sum;
  });
  return [out];
};
