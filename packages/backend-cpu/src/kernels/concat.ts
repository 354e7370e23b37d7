/** @file concat: joins inputs along `axis` (negative counts from the end); any dtype. */
import { ShapeError, formatShape, intAttr, normalizeAxis, shapesEqual } from '@primgrad/ir';
import { concatShape } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';

export const concatKernel: CpuKernel = (inputs, op, [t]) => {
  const axisAttr = intAttr('concat', op.attrs, 'axis', 0);
  const shape = concatShape('concat', inputs, axisAttr);
  const out = allocOut(t!);
  if (!shapesEqual(shape, out.shape)) {
    throw new ShapeError('concat', `the output var is ${formatShape(out.shape)}, the joined inputs ${formatShape(shape)}`, inputs.map((x) => x.shape));
  }
  const axis = normalizeAxis(axisAttr, shape.length)!;
  const inner = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const outer = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const outRow = shape[axis]! * inner;
  // Each input fills a block of every output row: x.shape[axis] · inner elements, at its offset.
  let offset = 0;
  for (const x of inputs) {
    const block = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * block, (o + 1) * block), o * outRow + offset);
    offset += block;
  }
  return [out];
};
