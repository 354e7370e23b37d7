import { boolAttr, type Orig2PrimRule } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { reduceSumP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

// An axis of null reduces every axis; reduce_sum_p always takes the explicit, sorted list.
export const reduceSum: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = reductionAxes('reduce_sum', op.attrs, x.shape);
  return [reduceSumP(b, x, axes, boolAttr('reduce_sum', op.attrs, 'keepdim', false))];
};
