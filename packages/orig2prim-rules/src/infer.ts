import { inferOutputTypes, type Builder, type Op, type TensorType } from '@primgrad/ir';

/**
 * Re-runs the op's own shape inference on its inputs and attrs, so that a rule reads
 * validated attrs and a rule on an invalid op fails with the op definition's message (which
 * names the op and the input shapes), not with a message from one of the emitted prims.
 */
export function inferOutput(b: Builder, op: Op, index = 0): TensorType {
  return inferOutputTypes(b.registry.opDef(op.type), op.inputs, op.attrs)[index]!;
}
