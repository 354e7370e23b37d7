/** @file slice: numpy's x[start:end:step] on the axes of attr `axes`; any dtype. */
import { stridesOf } from '@primgrad/ir';
import { resolveSlice } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { stridedCopy } from './strided.js';

export const sliceKernel: CpuKernel = ([x], op, [t]) => {
  const { starts, steps, shape } = resolveSlice('slice', x!.shape, op.attrs);
  const out = allocOut(t!);
  const strides = stridesOf(x!.shape);
  const first = starts.reduce((sum, start, i) => sum + start * strides[i]!, 0);
  stridedCopy(x!.data.subarray(first), strides.map((s, i) => s * steps[i]!), shape, out.data);
  return [out];
};
