/**
 * @file orig2prim rules for the elementwise native ops: the broadcasting binaries and
 * comparisons, the unaries, relu, assign, scale and where.
 */
import { floatScalarAttr, type Builder, type Orig2PrimRule, type Var } from '@primgrad/ir';
import {
  absP,
  addP,
  broadcastToP,
  cosP,
  divP,
  eqP,
  expP,
  fullLikeP,
  geP,
  gtP,
  logP,
  maxP,
  mulP,
  negP,
  powP,
  reshapeP,
  selectP,
  sinP,
  sqrtP,
  subP,
  tanhP,
} from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

type BinaryPrim = (b: Builder, x: Var, y: Var) => Var;
type UnaryPrim = (b: Builder, x: Var) => Var;

/** Lowers a numpy-broadcasting binary op: both operands go to the result shape, then the same-shape prim runs. */
function broadcastingBinary(prim: BinaryPrim): Orig2PrimRule {
  return (b, op) => {
    const { shape } = inferOutput(b, op);
    const [x, y] = op.inputs;
    return [prim(b, broadcastToP(b, x!, shape), broadcastToP(b, y!, shape))];
  };
}

function unary(prim: UnaryPrim): Orig2PrimRule {
  return (b, op) => {
    inferOutput(b, op);
    return [prim(b, op.inputs[0]!)];
  };
}

// assign returns a copy. The driver rebinds the returned var to assign's output, so the rule
// must emit a new var even though the value is unchanged.
const assign: Orig2PrimRule = (b, op) => {
  const { shape } = inferOutput(b, op);
  return [reshapeP(b, op.inputs[0]!, shape)];
};

// scale(x) = scale * x + bias, with the add left out when bias is 0.
const scale: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const factor = floatScalarAttr('scale', op.attrs, 'scale', 1);
  const bias = floatScalarAttr('scale', op.attrs, 'bias', 0);
  const scaled = mulP(b, x, fullLikeP(b, x, factor));
  return [bias === 0 ? scaled : addP(b, scaled, fullLikeP(b, x, bias))];
};

// relu(x) = select(0 >= x, 0, x). At x = 0 the select takes the constant branch, so the derivative
// there is 0, as in PyTorch, TensorFlow and JAX, and a NaN input stays NaN.
const relu: Orig2PrimRule = (b, op) => {
  inferOutput(b, op);
  const x = op.inputs[0]!;
  const zeros = fullLikeP(b, x, 0);
  return [selectP(b, geP(b, zeros, x), zeros, x)];
};

// where broadcasts condition, x and y together; select_p needs all three at the result shape.
const where: Orig2PrimRule = (b, op) => {
  const { shape } = inferOutput(b, op);
  const [condition, x, y] = op.inputs;
  return [selectP(b, broadcastToP(b, condition!, shape), broadcastToP(b, x!, shape), broadcastToP(b, y!, shape))];
};

export const elementwiseRules: Readonly<Record<string, Orig2PrimRule>> = {
  add: broadcastingBinary(addP),
  sub: broadcastingBinary(subP),
  mul: broadcastingBinary(mulP),
  div: broadcastingBinary(divP),
  pow: broadcastingBinary(powP),
  maximum: broadcastingBinary(maxP),
  equal: broadcastingBinary(eqP),
  greater_than: broadcastingBinary(gtP),
  greater_equal: broadcastingBinary(geP),
  neg: unary(negP),
  exp: unary(expP),
  log: unary(logP),
  tanh: unary(tanhP),
  sqrt: unary(sqrtP),
  sin: unary(sinP),
  cos: unary(cosP),
  abs: unary(absP),
  relu,
  assign,
  scale,
  where,
};
