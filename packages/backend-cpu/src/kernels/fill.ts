/**
 * @file Source ops without randomness: fill_constant (attr value everywhere) and assign_value (attr
 * values, row-major). Values are converted to the dtype as `cast` converts them.
 */
import { OpArgumentError, floatScalarAttr } from '@primgrad/ir';
import { convertInto, convertScalar } from '../convert.js';
import { allocOut, type CpuKernel } from '../kernel.js';

export const fillConstantKernel: CpuKernel = (_inputs, op, [t]) => {
  const value = floatScalarAttr('fill_constant', op.attrs, 'value');
  const out = allocOut(t!);
  out.data.fill(convertScalar(value, out.dtype));
  return [out];
};

export const assignValueKernel: CpuKernel = (_inputs, op, [t]) => {
  const values = op.attrs.values;
  const out = allocOut(t!);
  if (!Array.isArray(values) || values.length !== out.size || !values.every((v) => typeof v === 'number')) {
    throw new OpArgumentError('assign_value', `attr 'values' must be ${out.size} numbers.`);
  }
  convertInto(values as number[], out.data, out.dtype);
  return [out];
};
