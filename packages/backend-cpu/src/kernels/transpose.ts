/** @file transpose: output axis i is input axis perm[i] (negative axes count from the end). */
import { ShapeError, intListAttr, normalizeAxis, stridesOf } from '@primgrad/ir';
import { allocOut, type CpuKernel } from '../kernel.js';
import { stridedCopy } from './strided.js';

export const transposeKernel: CpuKernel = ([x], op, [t]) => {
  const rank = x!.shape.length;
  const perm = intListAttr('transpose', op.attrs, 'perm').map((a) => normalizeAxis(a, rank));
  if (perm.length !== rank || perm.some((a) => a === null) || new Set(perm).size !== rank) {
    throw new ShapeError('transpose', `perm ${JSON.stringify(op.attrs.perm)} is not a permutation of the ${rank} axes`, [x!.shape]);
  }
  const out = allocOut(t!);
  const xs = stridesOf(x!.shape);
  stridedCopy(x!.data, perm.map((a) => xs[a!]!), out.shape, out.data);
  return [out];
};
