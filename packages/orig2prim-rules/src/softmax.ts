import type { Orig2PrimRule } from '@primgrad/ir';
import { softmaxAxes } from '@primgrad/orig-ops';
import { broadcastToP, divP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';
import { guardedExpSum, selectMasked, shiftByMax } from './max-shift.js';

/**
 * softmax(x) = e / sum(e) with e = exp(x - max(x)) over the axes, so no exp overflows. A line of
 * only -Infinity is NaN (0 / 0 in numpy and PyTorch too), selected so that its derivative is 0.
 */
export const softmax: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = softmaxAxes('softmax', op.attrs, x.shape);
  const { exps, safeSum, masked } = guardedExpSum(b, shiftByMax(b, x, axes).shifted, axes);
  return [selectMasked(b, masked, divP(b, exps, broadcastToP(b, safeSum, x.shape)), 'NaN')];
};
