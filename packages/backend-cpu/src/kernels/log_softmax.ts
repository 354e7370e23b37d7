/**
 * @file log_softmax along one axis (attr `axis`, default -1), computed per line in float64 as
 * (x - m) - log(sum(exp(x - m))), m being the line's maximum, or 0 when that is not finite.
 */
import { softmaxAxis } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachLine, lineShift } from './softmax.js';

export const logSoftmaxKernel: CpuKernel = ([x], op, [t]) => {
  const axis = softmaxAxis('log_softmax', op.attrs, x!.shape);
  const out = allocOut(t!);
  const xd = x!.data;
  const od = out.data;
  forEachLine(x!.shape, axis, (offset, n, stride) => {
    const shift = lineShift(xd, offset, n, stride);
    let sum = 0;
    for (let j = 0, k = offset; j < n; j++, k += stride) sum += Math.exp(xd[k]! - shift);
    const logSum = Math.log(sum);
    for (let j = 0, k = offset; j < n; j++, k += stride) od[k] = xd[k]! - shift - logSum;
  });
  return [out];
};
