/**
 * @file Cumulative sums along one axis: the native op `cumsum`, the prim `cumsum_p`, every rule
 * between and on them, and the CPU kernel. With `reverse` the sum runs from the end of the axis
 * (out[i] = x[i] + x[i+1] + … + x[n-1]), which is also the transpose of the forward sum.
 */
import {
  OpArgumentError,
  ShapeError,
  boolAttr,
  intAttr,
  normalizeAxis,
  numel,
  type Attrs,
  type Builder,
  type LinearizeRule,
  type OpDef,
  type Orig2PrimRule,
  type Prim2OrigRule,
  type TensorType,
  type TransposeRule,
  type Var,
  type VjpRule,
} from '@primgrad/ir';
import { allocOut, type CpuKernel } from './kernel.js';

function checkOperand(op: string, x: TensorType): void {
  if (x.dtype === 'bool') {
    throw new OpArgumentError(op, `input 'x' must be float32, float64 or int32, got bool. Cast it first.`);
  }
  if (x.shape.length === 0) {
    throw new ShapeError(op, 'x must have rank 1 or more; reshape a 0-d value to [1] first', [x.shape]);
  }
}

/** Reads `axis` (negative counts from the end) and returns it normalized to [0, rank). */
function resolveAxis(op: string, x: TensorType, attrs: Attrs): number {
  const axis = intAttr(op, attrs, 'axis');
  const normalized = normalizeAxis(axis, x.shape.length);
  if (normalized === null) throw new ShapeError(op, `axis ${axis} is out of range for rank ${x.shape.length}`, [x.shape]);
  return normalized;
}

export const cumsumDef: OpDef<{ axis: number; reverse: boolean }> = {
  type: 'cumsum',
  kind: 'orig',
  inputs: ['x'],
  doc: 'cumulative sum along attr axis (negative counts from the end); from the end of the axis when reverse',
  infer([x], attrs) {
    checkOperand('cumsum', x!);
    resolveAxis('cumsum', x!, attrs);
    boolAttr('cumsum', attrs, 'reverse', false);
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
};

export const cumsumPDef: OpDef<{ axis: number; reverse: boolean }> = {
  type: 'cumsum_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'cumulative sum along attr axis (non-negative); from the end of the axis when reverse (explicit)',
  linearIn: [0],
  infer([x], attrs) {
    checkOperand('cumsum_p', x!);
    const axis = intAttr('cumsum_p', attrs, 'axis');
    if (axis < 0 || axis >= x!.shape.length) {
      throw new ShapeError('cumsum_p', `axis ${axis} must be in [0, ${x!.shape.length}); prims take normalized axes`, [x!.shape]);
    }
    boolAttr('cumsum_p', attrs, 'reverse');
    return [{ shape: x!.shape, dtype: x!.dtype }];
  },
};

/** Emits a cumsum op through `b` and returns its output. */
export const buildCumsum = (b: Builder, x: Var, axis: number, reverse = false): Var => b.emit1('cumsum', [x], { axis, reverse });

/** Emits a cumsum_p prim through `b` and returns its output; `axis` must be non-negative. */
export const buildCumsumP = (b: Builder, x: Var, axis: number, reverse: boolean): Var => b.emit1('cumsum_p', [x], { axis, reverse });

const reverseOf = (op: { type: string; attrs: Attrs }): boolean => boolAttr(op.type, op.attrs, 'reverse', false);

export const cumsumOrig2Prim: Orig2PrimRule = (b, op) => {
  const x = op.inputs[0]!;
  return [buildCumsumP(b, x, resolveAxis('cumsum', x, op.attrs), reverseOf(op))];
};

export const cumsumPPrim2Orig: Prim2OrigRule = (b, op) => [buildCumsum(b, op.inputs[0]!, intAttr('cumsum_p', op.attrs, 'axis'), reverseOf(op))];

// d cumsum(x) = cumsum(dx): the op is linear.
export const cumsumPLinearize: LinearizeRule = (b, op, [xDot]) => [xDot ? b.emit1('cumsum_p', [xDot], op.attrs) : null];

// The Jacobian is lower-triangular ones along the axis; its transpose, upper-triangular ones, is the reverse sum.
export const cumsumPTranspose: TransposeRule = (b, op, [ct], linear) => {
  if (!ct || !linear[0]) return [null];
  return [buildCumsumP(b, ct, intAttr('cumsum_p', op.attrs, 'axis'), !reverseOf(op))];
};

// x̄ = reverse cumsum of ct, for the same reason as the transpose rule.
export const cumsumVjp: VjpRule = (b, op, [ct], needed) => {
  if (!ct || !needed[0]) return [null];
  return [buildCumsum(b, ct, intAttr('cumsum', op.attrs, 'axis'), !reverseOf(op))];
};

/**
 * Sums along the axis in float64 and rounds each partial sum once on store, so float32 results
 * are the roundings of the float64 sums. Int32 partial sums wrap modulo 2³², as int32 addition does.
 */
export const cumsumKernel: CpuKernel = ([x], op, [outType]) => {
  const out = allocOut(outType!);
  const shape = x!.shape;
  const axis = resolveAxis('cumsum', x!, op.attrs);
  const reverse = reverseOf(op);
  const length = shape[axis]!;
  const inner = numel(shape.slice(axis + 1));
  const outer = numel(shape.slice(0, axis));
  const wrap = x!.dtype === 'int32';
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      let sum = 0;
      for (let step = 0; step < length; step++) {
        const j = reverse ? length - 1 - step : step;
        const index = (o * length + j) * inner + k;
        sum = wrap ? (sum + x!.data[index]!) | 0 : sum + x!.data[index]!;
        out.data[index] = sum;
      }
    }
  }
  return [out];
};
