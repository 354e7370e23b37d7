/** @file prim2orig rules: each prim becomes the one native op with the same semantics. */
import {
  OpArgumentError,
  boolAttr,
  floatScalarAttr,
  intAttr,
  intListAttr,
  isDType,
  shapeAttr,
  type Builder,
  type DType,
  type Op,
  type Prim2OrigRule,
  type Var,
} from '@primgrad/ir';
import {
  abs,
  add,
  broadcastTo,
  cast,
  cos,
  div,
  equal,
  exp,
  fillConstant,
  greaterEqual,
  greaterThan,
  log,
  concat,
  matmul,
  maximum,
  mul,
  neg,
  pad,
  pow,
  reduceMax,
  reduceSum,
  reshape,
  sin,
  slice,
  sqrt,
  sub,
  tanh,
  transpose,
  where,
} from '@primgrad/orig-ops';

type Binary = (b: Builder, x: Var, y: Var) => Var;
type Unary = (b: Builder, x: Var) => Var;

const binary =
  (native: Binary): Prim2OrigRule =>
  (b, op) => [native(b, op.inputs[0]!, op.inputs[1]!)];

const unary =
  (native: Unary): Prim2OrigRule =>
  (b, op) => [native(b, op.inputs[0]!)];

function dtypeAttr(op: Op): DType {
  const dtype = op.attrs.dtype;
  if (!isDType(dtype)) {
    throw new OpArgumentError(op.type, `attr 'dtype' must be float32, float64, int32 or bool, got ${JSON.stringify(dtype)}.`);
  }
  return dtype;
}

export const prim2origRules: Readonly<Record<string, Prim2OrigRule>> = {
  add_p: binary(add),
  sub_p: binary(sub),
  mul_p: binary(mul),
  div_p: binary(div),
  max_p: binary(maximum),
  pow_p: binary(pow),
  eq_p: binary(equal),
  gt_p: binary(greaterThan),
  ge_p: binary(greaterEqual),
  neg_p: unary(neg),
  exp_p: unary(exp),
  log_p: unary(log),
  tanh_p: unary(tanh),
  sqrt_p: unary(sqrt),
  sin_p: unary(sin),
  cos_p: unary(cos),
  abs_p: unary(abs),
  select_p: (b, op) => [where(b, op.inputs[0]!, op.inputs[1]!, op.inputs[2]!)],
  matmul_p: binary((b, x, y) => matmul(b, x, y)),
  reshape_p: (b, op) => [reshape(b, op.inputs[0]!, shapeAttr('reshape_p', op.attrs))],
  broadcast_p: (b, op) => [broadcastTo(b, op.inputs[0]!, shapeAttr('broadcast_p', op.attrs))],
  transpose_p: (b, op) => [transpose(b, op.inputs[0]!, intListAttr('transpose_p', op.attrs, 'perm'))],
  // NOTE: native reduce_sum takes only float32 and float64, so a reduce_sum_p on int32 cannot be raised.
  reduce_sum_p: (b, op) => [
    reduceSum(b, op.inputs[0]!, intListAttr('reduce_sum_p', op.attrs, 'axis'), boolAttr('reduce_sum_p', op.attrs, 'keepdim', false)),
  ],
  reduce_max_p: (b, op) => [
    reduceMax(b, op.inputs[0]!, intListAttr('reduce_max_p', op.attrs, 'axis'), boolAttr('reduce_max_p', op.attrs, 'keepdim', false)),
  ],
  concat_p: (b, op) => [concat(b, op.inputs, intAttr('concat_p', op.attrs, 'axis'))],
  slice_p: (b, op) => {
    const x = op.inputs[0]!;
    const axes = x.shape.map((_, i) => i);
    const bound = (name: string): number[] => intListAttr('slice_p', op.attrs, name);
    return [slice(b, x, axes, bound('starts'), bound('ends'), bound('steps'))];
  },
  pad_p: (b, op) => {
    const list = (name: string): number[] => intListAttr('pad_p', op.attrs, name);
    return [pad(b, op.inputs[0]!, list('before'), list('after'), list('interior'))];
  },
  fill_constant_p: (b, op) => [
    fillConstant(b, shapeAttr('fill_constant_p', op.attrs), dtypeAttr(op), floatScalarAttr('fill_constant_p', op.attrs, 'value')),
  ],
  cast_p: (b, op) => [cast(b, op.inputs[0]!, dtypeAttr(op))],
};
