import type { Orig2PrimRule } from '@primgrad/ir';
import { softmaxAxes } from '@primgrad/orig-ops';
import { broadcastToP, logP, subP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';
import { guardedExpSum, selectMasked, shiftByMax } from './max-shift.js';

/**
 * log_softmax(x) = z - log(sum(exp(z))) with z = x - max(x) over the axes, so no exp overflows.
 * A line of only -Infinity is NaN (-Infinity - -Infinity, as in numpy and PyTorch), selected so
 * that its derivative is 0.
 */
export const logSoftmax: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = softmaxAxes('log_softmax', op.attrs, x.shape);
  const z = shiftByMax(b, x, axes).shifted;
  const { safeSum, masked } = guardedExpSum(b, z, axes);
  return [selectMasked(b, masked, subP(b, z, broadcastToP(b, logP(b, safeSum), x.shape)), 'NaN')];
};
