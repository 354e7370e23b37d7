import { boolAttr, shapesEqual, type Orig2PrimRule } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { addP, logP, reshapeP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';
import { guardedExpSum, selectMasked, shiftByMax } from './max-shift.js';

/**
 * logsumexp(x) = log(sum(exp(x - m))) + m with m = max(x) over the axes, so no exp overflows and
 * -Infinity elements add exp(-Infinity) = 0. A line of only -Infinity, or an empty axis, gives
 * log(0) = -Infinity, selected so that its derivative is 0.
 */
export const logsumexp: Orig2PrimRule = (b, op) => {
  const { shape } = inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = reductionAxes('logsumexp', op.attrs, x.shape);
  boolAttr('logsumexp', op.attrs, 'keepdim', false);
  const { shifted, max } = shiftByMax(b, x, axes);
  const { safeSum, masked } = guardedExpSum(b, shifted, axes);
  const logSum = selectMasked(b, masked, logP(b, safeSum), '-Infinity');
  const result = max ? addP(b, logSum, max) : logSum;
  return [shapesEqual(result.shape, shape) ? result : reshapeP(b, result, shape)];
};
