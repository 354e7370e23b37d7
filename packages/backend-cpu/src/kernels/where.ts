/** @file where(condition, x, y): x where condition is true, else y; the three broadcast together. */
import { stridesOf } from '@primgrad/ir';
import { allocOut, type CpuKernel } from '../kernel.js';
import { broadcastStrides, checkBroadcast, forEachRow } from './strided.js';

export const whereKernel: CpuKernel = ([c, x, y], _op, [t]) => {
  const out = allocOut(t!);
  checkBroadcast('where', [c!.shape, x!.shape, y!.shape], out.shape);
  const cd = c!.data;
  const xd = x!.data;
  const yd = y!.data;
  const od = out.data;
  forEachRow(
    out.shape,
    [
      stridesOf(out.shape),
      broadcastStrides(c!.shape, out.shape),
      broadcastStrides(x!.shape, out.shape),
      broadcastStrides(y!.shape, out.shape),
    ],
    (off, n, inner) => {
      let o = off[0]!;
      let ci = off[1]!;
      let xi = off[2]!;
      let yi = off[3]!;
      const sc = inner[1]!;
      const sx = inner[2]!;
      const sy = inner[3]!;
      for (let j = 0; j < n; j++, o++, ci += sc, xi += sx, yi += sy) od[o] = cd[ci] !== 0 ? xd[xi]! : yd[yi]!;
    },
  );
  return [out];
};
