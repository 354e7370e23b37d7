import type { Orig2PrimRule } from '@primgrad/ir';
import { softmaxAxis } from '@primgrad/orig-ops';
import { broadcastToP, expP, logP, reduceSumP, subP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';
import { shiftByMax } from './max-shift.js';

/** log_softmax(x) = z - log(sum(exp(z))) with z = x - max(x) along the axis, so no exp overflows. */
export const logSoftmax: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axis = softmaxAxis('log_softmax', op.attrs, x.shape);
  const z = shiftByMax(b, x, [axis]).shifted;
  const logTotal = logP(b, reduceSumP(b, expP(b, z), [axis], true));
  return [subP(b, z, broadcastToP(b, logTotal, x.shape))];
};
