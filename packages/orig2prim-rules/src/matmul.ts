import { boolAttr, shapesEqual, type Builder, type Orig2PrimRule, type Var } from '@primgrad/ir';
import { matmulShapes } from '@primgrad/orig-ops';
import { broadcastToP, matmulP, reshapeP, transposeP } from '@primgrad/prim-ops';
import { inferOutput } from './infer.js';

/** Swaps the last two axes of a var of rank 2 or more. */
function swapLastTwo(b: Builder, x: Var): Var {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeP(b, x, perm);
}

/**
 * Lowers numpy matmul to matmul_p, which takes equal ranks of at least 2 and equal batch dims.
 * A rank-1 x becomes a [1, k] row and a rank-1 y a [k, 1] column, and transX/transY leave a
 * rank-1 operand as it is. On higher ranks they swap the last two axes. Both sides are then
 * broadcast to the common batch dims, and the product is reshaped to drop the dim that a
 * rank-1 operand added.
 */
export const matmul: Orig2PrimRule = (b, op) => {
  const out = inferOutput(b, op);
  const [x, y] = op.inputs;
  const transX = boolAttr('matmul', op.attrs, 'transX', false);
  const transY = boolAttr('matmul', op.attrs, 'transY', false);
  const { m, k, n, batch } = matmulShapes(x!.shape, y!.shape, transX, transY);

  let lhs = x!.shape.length === 1 ? reshapeP(b, x!, [1, k]) : transX ? swapLastTwo(b, x!) : x!;
  let rhs = y!.shape.length === 1 ? reshapeP(b, y!, [k, 1]) : transY ? swapLastTwo(b, y!) : y!;
  lhs = broadcastToP(b, lhs, [...batch, m, k]);
  rhs = broadcastToP(b, rhs, [...batch, k, n]);

  const product = matmulP(b, lhs, rhs);
  return [shapesEqual(product.shape, out.shape) ? product : reshapeP(b, product, out.shape)];
};
