/** @file reshape: the same elements (copied) under the output shape; one target dim may be -1. */
import { ShapeError, intListAttr } from '@primgrad/ir';
import { resolveReshape } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';

export const reshapeKernel: CpuKernel = ([x], op, [t]) => {
  resolveReshape(x!.shape, intListAttr('reshape', op.attrs, 'shape'));
  const out = allocOut(t!);
  if (out.size !== x!.size) {
    throw new ShapeError('reshape', `the output var holds ${out.size} elements, the input ${x!.size}`, [x!.shape]);
  }
  out.data.set(x!.data);
  return [out];
};
