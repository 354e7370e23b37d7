/**
 * @file Prim definitions and builder functions. Prims have semantics but no kernels: elementwise
 * prims take inputs of one shape (orig2prim inserts broadcast_p), and every attr is explicit.
 */
import {
  OpArgumentError,
  PLUGIN_CONTRACT_VERSION,
  ShapeError,
  binaryOpDef,
  broadcastAxes,
  unaryOpDef,
  type ElementwiseOptions,
  broadcastShapes,
  formatShape,
  inferSameShape,
  intListAttr,
  isDType,
  normalizeAxes,
  numel,
  requireFloat,
  sameDType,
  shapeAttr,
  shapesEqual,
  type Builder,
  type DType,
  type OpDef,
  type Plugin,
  type Shape,
  type TensorType,
  type Var,
} from '@primgrad/ir';
import { concatPDef } from './concat.js';
import { padPDef } from './pad.js';
import { slicePDef } from './slice.js';

export { concatP, concatPDef } from './concat.js';
export { padP, padPDef } from './pad.js';
export { sliceP, slicePDef, slicePShape } from './slice.js';

export const PACKAGE_NAME = '@primgrad/prim-ops';

const unary = (type: string, doc: string, options: ElementwiseOptions = {}): OpDef => unaryOpDef('prim', type, doc, options);
const binary = (type: string, doc: string, linearIn: number[] = []): OpDef => binaryOpDef('prim', type, doc, { linearIn });
const compare = (type: string, doc: string): OpDef => binaryOpDef('prim', type, doc, { compare: true });

export const addPDef = binary('add_p', 'x + y', [0, 1]);
export const subPDef = binary('sub_p', 'x - y', [0, 1]);
/** Bilinear: linear in each input while the other is fixed. */
export const mulPDef = binary('mul_p', 'x * y', [0, 1]);
export const divPDef = binary('div_p', 'x / y', [0]);
export const maxPDef = binary('max_p', 'elementwise maximum of x and y');
export const powPDef = binary('pow_p', 'x ** y');
export const eqPDef = compare('eq_p', 'x == y, as bool');
export const gtPDef = compare('gt_p', 'x > y, as bool');
export const gePDef = compare('ge_p', 'x >= y, as bool');

export const negPDef = unary('neg_p', '-x', { linearIn: [0], floatOnly: false });
export const expPDef = unary('exp_p', 'e ** x');
export const logPDef = unary('log_p', 'natural logarithm of x');
export const tanhPDef = unary('tanh_p', 'hyperbolic tangent of x');
export const sqrtPDef = unary('sqrt_p', 'square root of x');
export const sinPDef = unary('sin_p', 'sine of x');
export const cosPDef = unary('cos_p', 'cosine of x');
export const absPDef = unary('abs_p', '|x|', { floatOnly: false });

export const selectPDef: OpDef = {
  type: 'select_p',
  kind: 'prim',
  inputs: ['condition', 'x', 'y'],
  doc: 'x where condition is true, else y; all three of one shape',
  linearIn: [1, 2],
  infer([c, x, y]) {
    if (c!.dtype !== 'bool') throw new OpArgumentError('select_p', `condition must be bool, got ${c!.dtype}.`);
    const t = inferSameShape('select_p', [x!, y!], ['x', 'y']);
    if (!shapesEqual(c!.shape, t.shape)) {
      throw new ShapeError('select_p', 'condition, x and y must have equal shapes', [c!.shape, x!.shape, y!.shape]);
    }
    return [t];
  },
};

export const matmulPDef: OpDef = {
  type: 'matmul_p',
  kind: 'prim',
  inputs: ['x', 'y'],
  doc: 'batched matrix product: [..., m, k] @ [..., k, n] with equal batch dims',
  linearIn: [0, 1],
  infer([x, y]) {
    const dtype = sameDType('matmul_p', [x!, y!], ['x', 'y']);
    requireFloat('matmul_p', x!);
    const xs = x!.shape;
    const ys = y!.shape;
    if (xs.length < 2 || xs.length !== ys.length) {
      throw new ShapeError('matmul_p', 'x and y must have equal rank of at least 2', [xs, ys]);
    }
    const r = xs.length;
    if (!shapesEqual(xs.slice(0, r - 2), ys.slice(0, r - 2)) || xs[r - 1] !== ys[r - 2]) {
      throw new ShapeError('matmul_p', 'expects x [..., m, k] and y [..., k, n] with equal batch dims', [xs, ys]);
    }
    return [{ shape: [...xs.slice(0, r - 1), ys[r - 1]!], dtype }];
  },
};

export const reshapePDef: OpDef<{ shape: number[] }> = {
  type: 'reshape_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'the same elements in row-major order under a new shape of equal size',
  linearIn: [0],
  infer([x], attrs) {
    const shape = shapeAttr('reshape_p', attrs);
    if (numel(shape) !== numel(x!.shape)) {
      throw new ShapeError('reshape_p', `cannot reshape ${numel(x!.shape)} elements to ${formatShape(shape)}`, [x!.shape]);
    }
    return [{ shape, dtype: x!.dtype }];
  },
};

export const broadcastPDef: OpDef<{ shape: number[] }> = {
  type: 'broadcast_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'numpy broadcast of x to attr shape',
  linearIn: [0],
  infer([x], attrs) {
    const shape = shapeAttr('broadcast_p', attrs);
    const b = broadcastShapes(x!.shape, shape);
    if (!b || !shapesEqual(b, shape)) {
      throw new ShapeError('broadcast_p', `cannot broadcast to ${formatShape(shape)}`, [x!.shape]);
    }
    return [{ shape, dtype: x!.dtype }];
  },
};

export const transposePDef: OpDef<{ perm: number[] }> = {
  type: 'transpose_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'permutes axes: output axis i is input axis perm[i]',
  linearIn: [0],
  infer([x], attrs) {
    const perm = intListAttr('transpose_p', attrs, 'perm');
    const rank = x!.shape.length;
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== rank || !sorted.every((a, i) => a === i)) {
      throw new ShapeError('transpose_p', `perm ${formatShape(perm)} is not a permutation of the ${rank} axes`, [x!.shape]);
    }
    return [{ shape: perm.map((a) => x!.shape[a]!), dtype: x!.dtype }];
  },
};

export const reduceSumPDef: OpDef<{ axis: number[]; keepdim: boolean }> = {
  type: 'reduce_sum_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'sum over attr axis (sorted, non-negative), keeping reduced dims as 1 when keepdim',
  linearIn: [0],
  infer([x], attrs) {
    const axes = normalizeAxes('reduce_sum_p', intListAttr('reduce_sum_p', attrs, 'axis'), x!.shape.length, x!.shape);
    const keepdim = attrs.keepdim === true;
    const shape = keepdim
      ? x!.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x!.shape.filter((_, i) => !axes.includes(i));
    return [{ shape, dtype: x!.dtype }];
  },
};

export const reduceMaxPDef: OpDef<{ axis: number[]; keepdim: boolean }> = {
  type: 'reduce_max_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'maximum over attr axis (sorted, non-negative, each of size 1 or more), keeping reduced dims as 1 when keepdim',
  infer([x], attrs) {
    requireFloat('reduce_max_p', x!);
    const axes = normalizeAxes('reduce_max_p', intListAttr('reduce_max_p', attrs, 'axis'), x!.shape.length, x!.shape);
    const empty = axes.find((a) => x!.shape[a] === 0);
    if (empty !== undefined) {
      throw new ShapeError('reduce_max_p', `axis ${empty} has size 0, and the maximum of no elements is undefined`, [x!.shape]);
    }
    const keepdim = attrs.keepdim === true;
    const shape = keepdim
      ? x!.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x!.shape.filter((_, i) => !axes.includes(i));
    return [{ shape, dtype: x!.dtype }];
  },
};

export const fillConstantPDef: OpDef<{ shape: number[]; dtype: DType; value: number }> = {
  type: 'fill_constant_p',
  kind: 'prim',
  inputs: [],
  doc: 'a tensor of attr shape and dtype filled with attr value',
  infer(_inputs, attrs) {
    const shape = shapeAttr('fill_constant_p', attrs);
    if (!isDType(attrs.dtype)) throw new OpArgumentError('fill_constant_p', `attr 'dtype' is invalid: ${JSON.stringify(attrs.dtype)}.`);
    if (typeof attrs.value !== 'number') throw new OpArgumentError('fill_constant_p', `attr 'value' must be a number.`);
    return [{ shape, dtype: attrs.dtype }];
  },
};

export const castPDef: OpDef<{ dtype: DType }> = {
  type: 'cast_p',
  kind: 'prim',
  inputs: ['x'],
  doc: 'converts x to attr dtype',
  linearIn: [0],
  infer([x], attrs) {
    if (!isDType(attrs.dtype)) throw new OpArgumentError('cast_p', `attr 'dtype' is invalid: ${JSON.stringify(attrs.dtype)}.`);
    return [{ shape: x!.shape, dtype: attrs.dtype }];
  },
};

export const primOpDefs: readonly OpDef<any>[] = [
  addPDef, subPDef, mulPDef, divPDef, maxPDef, powPDef, eqPDef, gtPDef, gePDef,
  negPDef, expPDef, logPDef, tanhPDef, sqrtPDef, sinPDef, cosPDef, absPDef,
  selectPDef, matmulPDef, reshapePDef, broadcastPDef, transposePDef, reduceSumPDef, reduceMaxPDef,
  concatPDef, slicePDef, padPDef, fillConstantPDef, castPDef,
];

/** The plugin defining every prim. Their rules come from the packages named in `providers`. */
export const primOpsPlugin: Plugin = {
  name: PACKAGE_NAME,
  version: '0.1.0',
  contract: PLUGIN_CONTRACT_VERSION,
  ops: primOpDefs,
  providers: {
    linearize: '@primgrad/linearize-rules',
    transpose: '@primgrad/transpose-rules',
    prim2orig: '@primgrad/orig2prim-rules',
  },
};

// Builder functions, for rule authors. Each emits one prim through `b` and returns its output.

export const addP = (b: Builder, x: Var, y: Var): Var => b.emit1('add_p', [x, y]);
export const subP = (b: Builder, x: Var, y: Var): Var => b.emit1('sub_p', [x, y]);
export const mulP = (b: Builder, x: Var, y: Var): Var => b.emit1('mul_p', [x, y]);
export const divP = (b: Builder, x: Var, y: Var): Var => b.emit1('div_p', [x, y]);
export const maxP = (b: Builder, x: Var, y: Var): Var => b.emit1('max_p', [x, y]);
export const powP = (b: Builder, x: Var, y: Var): Var => b.emit1('pow_p', [x, y]);
export const eqP = (b: Builder, x: Var, y: Var): Var => b.emit1('eq_p', [x, y]);
export const gtP = (b: Builder, x: Var, y: Var): Var => b.emit1('gt_p', [x, y]);
export const geP = (b: Builder, x: Var, y: Var): Var => b.emit1('ge_p', [x, y]);
export const negP = (b: Builder, x: Var): Var => b.emit1('neg_p', [x]);
export const expP = (b: Builder, x: Var): Var => b.emit1('exp_p', [x]);
export const logP = (b: Builder, x: Var): Var => b.emit1('log_p', [x]);
export const tanhP = (b: Builder, x: Var): Var => b.emit1('tanh_p', [x]);
export const sqrtP = (b: Builder, x: Var): Var => b.emit1('sqrt_p', [x]);
export const sinP = (b: Builder, x: Var): Var => b.emit1('sin_p', [x]);
export const cosP = (b: Builder, x: Var): Var => b.emit1('cos_p', [x]);
export const absP = (b: Builder, x: Var): Var => b.emit1('abs_p', [x]);
export const selectP = (b: Builder, condition: Var, x: Var, y: Var): Var => b.emit1('select_p', [condition, x, y]);
export const matmulP = (b: Builder, x: Var, y: Var): Var => b.emit1('matmul_p', [x, y]);
export const reshapeP = (b: Builder, x: Var, shape: Shape): Var => b.emit1('reshape_p', [x], { shape: [...shape] });
export const broadcastP = (b: Builder, x: Var, shape: Shape): Var => b.emit1('broadcast_p', [x], { shape: [...shape] });
export const transposeP = (b: Builder, x: Var, perm: readonly number[]): Var => b.emit1('transpose_p', [x], { perm: [...perm] });
export const reduceSumP = (b: Builder, x: Var, axis: readonly number[], keepdim = false): Var =>
  b.emit1('reduce_sum_p', [x], { axis: [...axis], keepdim });
export const reduceMaxP = (b: Builder, x: Var, axis: readonly number[], keepdim = false): Var =>
  b.emit1('reduce_max_p', [x], { axis: [...axis], keepdim });
export const fillConstantP = (b: Builder, shape: Shape, dtype: DType, value: number): Var =>
  b.emit1('fill_constant_p', [], { shape: [...shape], dtype, value });
export const castP = (b: Builder, x: Var, dtype: DType): Var => b.emit1('cast_p', [x], { dtype });

/** A prim fill with the shape and dtype of `like`. */
export const fullLikeP = (b: Builder, like: TensorType, value: number): Var => fillConstantP(b, like.shape, like.dtype, value);

/**
 * Brings `x` to `shape`, the shape of a broadcast result it took part in: emits broadcast_p
 * only when the shapes differ.
 */
export function broadcastToP(b: Builder, x: Var, shape: Shape): Var {
  return shapesEqual(x.shape, shape) ? x : broadcastP(b, x, shape);
}

/**
 * Sums `ct` (of a broadcast result's shape) back to `shape`, the shape of an operand before it
 * was broadcast: reduce over the broadcast axes, then reshape. Emits nothing when the shapes agree.
 */
export function unbroadcastP(b: Builder, ct: Var, shape: Shape): Var {
  if (shapesEqual(ct.shape, shape)) return ct;
  const axes = broadcastAxes(shape, ct.shape);
  const summed = axes.length > 0 ? reduceSumP(b, ct, axes, false) : ct;
  return shapesEqual(summed.shape, shape) ? summed : reshapeP(b, summed, shape);
}
