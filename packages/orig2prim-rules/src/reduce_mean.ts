import { boolAttr, type Orig2PrimRule } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { divP, fullLikeP, reduceSumP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

/**
 * mean = sum / n, where n counts the reduced elements. Dividing by n (not multiplying by 1/n)
 * rounds like a direct mean, and when n is 0 the constant stays a JSON number (1/0 is not) and
 * the result is 0/0 = NaN, the mean of nothing.
 */
export const reduceMean: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = reductionAxes('reduce_mean', op.attrs, x.shape);
  const count = axes.reduce((size, axis) => size * x.shape[axis]!, 1);
  const sum = reduceSumP(b, x, axes, boolAttr('reduce_mean', op.attrs, 'keepdim', false));
  return [divP(b, sum, fullLikeP(b, sum, count))];
};
