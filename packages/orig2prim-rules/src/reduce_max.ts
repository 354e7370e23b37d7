import { boolAttr, type Orig2PrimRule } from '@primgrad/ir';
import { reductionAxes } from '@primgrad/orig-ops';
import { reduceMaxP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

// An axis of null reduces every axis; reduce_max_p always takes the explicit, sorted list.
export const reduceMax: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const axes = reductionAxes('reduce_max', op.attrs, x.shape);
  return [reduceMaxP(b, x, axes, boolAttr('reduce_max', op.attrs, 'keepdim', false))];
};
