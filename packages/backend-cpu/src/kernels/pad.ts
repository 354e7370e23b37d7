/** @file pad: x with zeros before, after and between its elements on each axis; any dtype. */
import { stridesOf } from '@primgrad/ir';
import { resolvePadding } from '@primgrad/orig-ops';
import { allocOut, type CpuKernel } from '../kernel.js';
import { forEachRow } from './strided.js';

export const padKernel: CpuKernel = ([x], op, [t]) => {
  const { before, interior } = resolvePadding('pad', x!.shape.length, op.attrs);
  const out = allocOut(t!);
  const outStrides = stridesOf(out.shape);
  const first = before.reduce((sum, count, i) => sum + count * outStrides[i]!, 0);
  // Element i of an axis lands at before + i · (interior + 1); allocOut has zeroed the rest.
  const targetStrides = outStrides.map((s, i) => s * (interior[i]! + 1));
  const xd = x!.data;
  const od = out.data;
  forEachRow(x!.shape, [targetStrides, stridesOf(x!.shape)], (off, n, inner) => {
    let o = first + off[0]!;
    let s = off[1]!;
    for (let j = 0; j < n; j++, o += inner[0]!, s += inner[1]!) od[o] = xd[s]!;
  });
  return [out];
};
