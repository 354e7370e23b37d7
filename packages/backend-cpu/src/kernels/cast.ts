/**
 * @file cast: converts x to the output dtype. To bool: non-zero (NaN included) is true. To int32:
 * truncates toward zero and saturates to the int32 range; NaN becomes 0. To float32: rounds to
 * nearest. See convertScalar.
 */
import { convertInto } from '../convert.js';
import { allocOut, type CpuKernel } from '../kernel.js';

export const castKernel: CpuKernel = ([x], _op, [t]) => {
  const out = allocOut(t!);
  convertInto(x!.data, out.data, out.dtype);
  return [out];
};
