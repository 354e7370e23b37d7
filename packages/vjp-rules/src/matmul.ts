import { boolAttr, broadcastAxes, shapesEqual, type Builder, type Shape, type Var, type VjpRule } from '@primgrad/ir';
import { matmul as matmulOp, matmulShapes, reduceSum, reshape } from '@primgrad/orig-ops';

/** Promotes a rank-1 operand the way matmul does: x to a row [1, k], y to a column [k, 1]. */
function asMatrix(b: Builder, v: Var, side: 'x' | 'y'): Var {
  if (v.shape.length !== 1) return v;
  return reshape(b, v, side === 'x' ? [1, v.shape[0]!] : [v.shape[0]!, 1]);
}

/**
 * Sums a cotangent of shape [...batch, r, c] over the batch dims that the promoted operand was
 * broadcast along, then reshapes it to the operand's own shape.
 */
function sumToOperand(b: Builder, ct: Var, promoted: Shape, shape: Shape): Var {
  const axes = broadcastAxes(promoted, ct.shape);
  const summed = axes.length > 0 ? reduceSum(b, ct, axes, false) : ct;
  return shapesEqual(summed.shape, shape) ? summed : reshape(b, summed, shape);
}

/**
 * For Z = X Y with X = op(x) and Y = op(y) (op transposes the last two dims when transX or
 * transY is set): X̄ = Z̄ Yᵀ and Ȳ = Xᵀ Z̄, and a transposed operand takes the transpose of its
 * cotangent. Rank-1 operands are promoted to matrices first and batch dims that broadcast are
 * summed back.
 */
export const matmul: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return [null, null];
  const [x, y] = op.inputs as [Var, Var];
  // matmul ignores the transpose flag of a rank-1 operand.
  const transX = boolAttr('matmul', op.attrs, 'transX', false) && x.shape.length >= 2;
  const transY = boolAttr('matmul', op.attrs, 'transY', false) && y.shape.length >= 2;
  const { m, n, batch } = matmulShapes(x.shape, y.shape, transX, transY);
  const xm = asMatrix(b, x, 'x');
  const ym = asMatrix(b, y, 'y');
  const promotedOut = [...batch, m, n];
  const ctZ = shapesEqual(ct.shape, promotedOut) ? ct : reshape(b, ct, promotedOut);

  let xBar: Var | null = null;
  if (needed[0]) {
    // X̄ = Z̄ Yᵀ; with transX, x̄ = X̄ᵀ = Y Z̄ᵀ.
    const full = transX
      ? matmulOp(b, ym, ctZ, { transX: transY, transY: true })
      : matmulOp(b, ctZ, ym, { transX: false, transY: !transY });
    xBar = sumToOperand(b, full, xm.shape, x.shape);
  }
  let yBar: Var | null = null;
  if (needed[1]) {
    // Ȳ = Xᵀ Z̄; with transY, ȳ = Ȳᵀ = Z̄ᵀ X.
    const full = transY
      ? matmulOp(b, ctZ, xm, { transX: true, transY: transX })
      : matmulOp(b, xm, ctZ, { transX: !transX, transY: false });
    yBar = sumToOperand(b, full, ym.shape, y.shape);
  }
  return [xBar, yBar];
};
