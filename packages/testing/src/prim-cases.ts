import type { Attrs, DType, Shape } from '@primgrad/ir';
import type { LinearizeCheckSpec } from './linearize.js';
import { awayFromZero, uniform, type Sampler } from './random.js';
import type { OperandSpec } from './spec.js';

/** A named check spec, for `it.each` tables. */
export interface NamedCheckSpec extends LinearizeCheckSpec {
  readonly name: string;
}

const f64 = (shape: Shape, sample?: Sampler): OperandSpec => ({ shape, dtype: 'float64', ...(sample ? { sample } : {}) });
const bool = (shape: Shape): OperandSpec => ({ shape, dtype: 'bool' });

function named(op: string, inputs: OperandSpec[], extra: Omit<LinearizeCheckSpec, 'op' | 'inputs'> = {}): NamedCheckSpec {
  const types = inputs.map((t) => `${t.dtype === 'float64' ? 'f64' : t.dtype}[${t.shape.join(',')}]`).join(', ');
  const attrs = Object.keys(extra.attrs ?? {}).length > 0 ? ` ${JSON.stringify(extra.attrs)}` : '';
  const wrt = extra.wrt ? ` wrt ${extra.wrt.join(',')}` : '';
  return { name: `${op}(${types})${attrs}${wrt}`, op, inputs, ...extra };
}

/** Elementwise shapes: 0-d, all size-1 dims, and a plain matrix. */
const ELEMENTWISE_SHAPES: readonly Shape[] = [[], [1, 1], [2, 3]];

/** Samplers that keep unary prims away from points where they are singular or not differentiable. */
const UNARY: readonly [string, Sampler | undefined][] = [
  ['neg_p', undefined],
  ['exp_p', undefined],
  ['log_p', uniform(0.5, 2)],
  ['tanh_p', undefined],
  ['sqrt_p', uniform(0.5, 2)],
  ['sin_p', undefined],
  ['cos_p', undefined],
  ['abs_p', awayFromZero(0.2, 1)],
];

/** Samplers of x and y for the binary prims; ties of max_p have probability 0 under uniform draws. */
const BINARY: readonly [string, Sampler | undefined, Sampler | undefined][] = [
  ['add_p', undefined, undefined],
  ['sub_p', undefined, undefined],
  ['mul_p', undefined, undefined],
  ['div_p', undefined, awayFromZero(0.5, 2)],
  ['max_p', undefined, undefined],
  ['pow_p', uniform(0.5, 2), uniform(-1.5, 1.5)],
];

function castCase(from: DType, to: DType, extra: Omit<LinearizeCheckSpec, 'op' | 'inputs'> = {}): NamedCheckSpec {
  return named('cast_p', [{ shape: [2, 3], dtype: from }], { attrs: { dtype: to }, ...extra });
}

function shapeCase(op: string, shape: Shape, attrs: Attrs): NamedCheckSpec {
  return named(op, [f64(shape)], { attrs });
}

/**
 * Check specs for every differentiable prim of @primgrad/prim-ops over several shapes, in
 * float64. The binary prims also appear differentiated with respect to one input only, so rules
 * meet a symbolic-zero tangent. Each spec suits both checkLinearize and checkTranspose.
 */
export function primCheckCases(): NamedCheckSpec[] {
  const cases: NamedCheckSpec[] = [];
  for (const [op, sample] of UNARY) {
    for (const shape of ELEMENTWISE_SHAPES) cases.push(named(op, [f64(shape, sample)]));
  }
  for (const [op, sx, sy] of BINARY) {
    for (const shape of ELEMENTWISE_SHAPES) cases.push(named(op, [f64(shape, sx), f64(shape, sy)]));
    cases.push(named(op, [f64([2, 3], sx), f64([2, 3], sy)], { wrt: [0] }));
    cases.push(named(op, [f64([2, 3], sx), f64([2, 3], sy)], { wrt: [1] }));
  }
  for (const shape of ELEMENTWISE_SHAPES) cases.push(named('select_p', [bool(shape), f64(shape), f64(shape)]));
  cases.push(named('select_p', [bool([2, 3]), f64([2, 3]), f64([2, 3])], { wrt: [1] }));
  cases.push(named('select_p', [bool([2, 3]), f64([2, 3]), f64([2, 3])], { wrt: [2] }));

  cases.push(named('matmul_p', [f64([2, 3]), f64([3, 4])]));
  cases.push(named('matmul_p', [f64([1, 1]), f64([1, 1])]));
  cases.push(named('matmul_p', [f64([2, 3, 4]), f64([2, 4, 5])]));
  cases.push(named('matmul_p', [f64([2, 3]), f64([3, 4])], { wrt: [0] }));
  cases.push(named('matmul_p', [f64([2, 3, 4]), f64([2, 4, 5])], { wrt: [1] }));

  cases.push(shapeCase('reshape_p', [2, 3], { shape: [3, 2] }));
  cases.push(shapeCase('reshape_p', [2, 3], { shape: [6] }));
  cases.push(shapeCase('reshape_p', [], { shape: [1, 1] }));
  cases.push(shapeCase('reshape_p', [1, 3], { shape: [3] }));

  cases.push(shapeCase('broadcast_p', [1, 3], { shape: [2, 3] }));
  cases.push(shapeCase('broadcast_p', [3], { shape: [2, 3] }));
  cases.push(shapeCase('broadcast_p', [], { shape: [2, 3] }));
  cases.push(shapeCase('broadcast_p', [2, 1], { shape: [2, 3] }));
  cases.push(shapeCase('broadcast_p', [1, 1], { shape: [1, 1] }));

  cases.push(shapeCase('transpose_p', [2, 3, 4], { perm: [2, 0, 1] }));
  cases.push(shapeCase('transpose_p', [1, 3, 2], { perm: [1, 2, 0] }));
  cases.push(shapeCase('transpose_p', [2, 3], { perm: [1, 0] }));

  for (const keepdim of [false, true]) {
    cases.push(shapeCase('reduce_sum_p', [2, 3, 4], { axis: [1], keepdim }));
    cases.push(shapeCase('reduce_sum_p', [2, 3, 4], { axis: [0, 2], keepdim }));
    cases.push(shapeCase('reduce_sum_p', [2, 3, 4], { axis: [0, 1, 2], keepdim }));
    cases.push(shapeCase('reduce_sum_p', [1, 3], { axis: [0], keepdim }));
  }
  cases.push(shapeCase('reduce_sum_p', [2, 3], { axis: [], keepdim: false }));
  cases.push(shapeCase('reduce_sum_p', [], { axis: [], keepdim: false }));

  // Uniform draws have no ties, so reduce_max_p is differentiable at them.
  for (const keepdim of [false, true]) {
    cases.push(shapeCase('reduce_max_p', [2, 3, 4], { axis: [1], keepdim }));
    cases.push(shapeCase('reduce_max_p', [2, 3, 4], { axis: [0, 2], keepdim }));
    cases.push(shapeCase('reduce_max_p', [2, 3, 4], { axis: [0, 1, 2], keepdim }));
    cases.push(shapeCase('reduce_max_p', [1, 3], { axis: [0], keepdim }));
  }
  cases.push(shapeCase('reduce_max_p', [2, 3], { axis: [], keepdim: false }));
  cases.push(shapeCase('reduce_max_p', [], { axis: [], keepdim: false }));

  cases.push(named('concat_p', [f64([2, 3]), f64([2, 1]), f64([2, 2])], { attrs: { axis: 1 } }));
  cases.push(named('concat_p', [f64([1, 3]), f64([2, 3])], { attrs: { axis: 0 } }));
  cases.push(named('concat_p', [f64([3])], { attrs: { axis: 0 } }));
  cases.push(named('concat_p', [f64([2, 0]), f64([2, 3])], { attrs: { axis: 1 } }));
  cases.push(named('concat_p', [f64([2, 3]), f64([2, 1]), f64([2, 2])], { attrs: { axis: 1 }, wrt: [1] }));
  cases.push(named('concat_p', [f64([2, 3]), f64([2, 1]), f64([2, 2])], { attrs: { axis: 1 }, wrt: [0, 2] }));

  cases.push(shapeCase('slice_p', [2, 3, 4], { starts: [0, 1, 1], ends: [2, 3, 4], steps: [1, 1, 2] }));
  cases.push(shapeCase('slice_p', [5], { starts: [1], ends: [5], steps: [2] }));
  cases.push(shapeCase('slice_p', [7], { starts: [0], ends: [6], steps: [3] }));
  cases.push(shapeCase('slice_p', [3, 3], { starts: [1, 0], ends: [1, 3], steps: [1, 1] }));
  cases.push(shapeCase('slice_p', [4, 1], { starts: [0, 0], ends: [4, 1], steps: [1, 1] }));
  cases.push(shapeCase('slice_p', [], { starts: [], ends: [], steps: [] }));

  cases.push(shapeCase('pad_p', [2, 3], { before: [1, 0], after: [0, 2], interior: [0, 1] }));
  cases.push(shapeCase('pad_p', [3], { before: [0], after: [0], interior: [2] }));
  cases.push(shapeCase('pad_p', [1, 2], { before: [2, 1], after: [1, 0], interior: [3, 0] }));
  cases.push(shapeCase('pad_p', [0, 2], { before: [1, 0], after: [1, 0], interior: [0, 1] }));
  cases.push(shapeCase('pad_p', [], { before: [], after: [], interior: [] }));

  cases.push(castCase('float64', 'float64'));
  // A float32 result rounds each value to about 6e-8 relative, which limits both checks.
  cases.push(castCase('float64', 'float32', { step: 1e-3, tol: { rtol: 1e-3, atol: 1e-3 } }));
  cases.push(castCase('float32', 'float64'));
  cases.push(castCase('float64', 'int32', { wrt: [0] }));

  cases.push(named('fill_constant_p', [], { attrs: { shape: [2, 3], dtype: 'float64', value: 1.5 } }));
  return cases;
}
