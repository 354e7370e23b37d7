import type { Orig2PrimRule } from '@primgrad/ir';
import { softmaxAxis } from '@primgrad/orig-ops';
import { broadcastToP, divP, expP, reduceSumP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';
import { shiftByMax } from './max-shift.js';

/** softmax(x) = e / sum(e) with e = exp(x - max(x)) along the axis, so no exp overflows. */
export const softmax: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axis = softmaxAxis('softmax', op.attrs, x.shape);
  const e = expP(b, shiftByMax(b, x, [axis]).shifted);
  return [divP(b, e, broadcastToP(b, reduceSumP(b, e, [axis], true), x.shape))];
};
