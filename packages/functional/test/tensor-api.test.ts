import { NDArray } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import * as F from '../src/index.js';
import { Jacobian, grad, jvp, type Tensor, type TensorOutput } from '../src/index.js';
import { expectClose } from './helpers.js';
import { finiteDifferenceJacobian, flat, matmulRef, sumOf, type FlatFunction } from './reference.js';

interface OpCase {
  readonly name: string;
  readonly inputs: readonly unknown[];
  readonly func: (...xs: Tensor[]) => TensorOutput;
  /** The same function in plain JS on flat inputs, returning the flat outputs. */
  readonly reference: FlatFunction;
  readonly tol?: number;
}

const A = [[0.5, -1.2, 0.8], [1.4, 0.3, -0.6]];
const B = [[0.9, 0.2, -1.1], [-0.4, 1.3, 0.7]];
const POSITIVE = [[0.5, 1.2, 0.8], [1.4, 0.3, 2.6]];
const M32 = [[0.5, -1], [2, 0.25], [1.5, -0.5]];
const map = (x: Float64Array, f: (v: number) => number) => Array.from(x, f);
const zip = (x: Float64Array, y: Float64Array, f: (a: number, b: number) => number) => Array.from(x, (a, i) => f(a, y[i]!));

const cases: OpCase[] = [
  { name: 'add with a number', inputs: [A], func: (x) => x.add(2), reference: ([x]) => map(x!, (v) => v + 2) },
  { name: 'sub with a number on the left', inputs: [A], func: (x) => F.sub(2, x), reference: ([x]) => map(x!, (v) => 2 - v) },
  {
    name: 'mul by a constant array',
    inputs: [A],
    func: (x) => x.mul([1, 2, 3]),
    reference: ([x]) => map(x!, (v) => v).map((v, i) => v * [1, 2, 3][i % 3]!),
  },
  { name: 'div', inputs: [A, POSITIVE], func: (x, y) => F.div(x, y), reference: ([x, y]) => zip(x!, y!, (a, b) => a / b) },
  { name: 'pow by a number', inputs: [POSITIVE], func: (x) => x.pow(2.5), reference: ([x]) => map(x!, (v) => v ** 2.5) },
  { name: 'pow of tensors', inputs: [POSITIVE, B], func: (x, y) => F.pow(x, y), reference: ([x, y]) => zip(x!, y!, (a, b) => a ** b) },
  { name: 'neg', inputs: [A], func: (x) => F.neg(x), reference: ([x]) => map(x!, (v) => -v) },
  { name: 'exp', inputs: [A], func: (x) => x.exp(), reference: ([x]) => map(x!, Math.exp) },
  { name: 'log', inputs: [POSITIVE], func: (x) => F.log(x), reference: ([x]) => map(x!, Math.log) },
  { name: 'tanh', inputs: [A], func: (x) => F.tanh(x), reference: ([x]) => map(x!, Math.tanh) },
  { name: 'sqrt', inputs: [POSITIVE], func: (x) => x.sqrt(), reference: ([x]) => map(x!, Math.sqrt) },
  { name: 'sin and cos', inputs: [A], func: (x) => [F.sin(x), x.cos()], reference: ([x]) => [...map(x!, Math.sin), ...map(x!, Math.cos)] },
  { name: 'abs', inputs: [A], func: (x) => F.abs(x), reference: ([x]) => map(x!, Math.abs) },
  { name: 'maximum', inputs: [A, B], func: (x, y) => x.maximum(y), reference: ([x, y]) => zip(x!, y!, Math.max) },
  {
    name: 'where on a comparison',
    inputs: [A, B],
    func: (x, y) => F.where(x.greater(y), x, y.mul(2)),
    reference: ([x, y]) => zip(x!, y!, (a, b) => (a > b ? a : 2 * b)),
  },
  {
    name: 'where with a number branch',
    inputs: [A],
    func: (x) => F.where(F.less(x, 0), 0, x),
    reference: ([x]) => map(x!, (v) => (v < 0 ? 0 : v)),
  },
  { name: 'matmul 2-D', inputs: [A, M32], func: (x, w) => F.matmul(x, w), reference: ([x, w]) => [...matmulRef(x!, w!, 2, 3, 2)] },
  {
    name: 'matmul of a vector',
    inputs: [[0.5, -1, 2], M32],
    func: (v, w) => v.matmul(w),
    reference: ([v, w]) => [...matmulRef(v!, w!, 1, 3, 2)],
  },
  {
    name: 'matmul with batch dims',
    inputs: [[A, B], M32],
    func: (x, w) => x.matmul(w),
    reference: ([x, w]) => [...matmulRef(x!.subarray(0, 6), w!, 2, 3, 2), ...matmulRef(x!.subarray(6), w!, 2, 3, 2)],
  },
  {
    name: 'matmul of two batches',
    inputs: [[A, B], [M32, M32.map((r) => r.map((v) => -2 * v))]],
    func: (x, w) => x.matmul(w),
    reference: ([x, w]) => [...matmulRef(x!.subarray(0, 6), w!.subarray(0, 6), 2, 3, 2), ...matmulRef(x!.subarray(6), w!.subarray(6), 2, 3, 2)],
  },
  {
    name: 'sum over an axis and all axes',
    inputs: [A],
    func: (x) => [x.sum(0), F.sum(x), x.sum(1, true)],
    reference: ([x]) => [0, 1, 2].map((j) => x![j]! + x![3 + j]!).concat([sumOf(x!)], [sumOf(x!.subarray(0, 3)), sumOf(x!.subarray(3))]),
  },
  {
    name: 'mean over an axis',
    inputs: [A],
    func: (x) => F.mean(x, 1),
    reference: ([x]) => [sumOf(x!.subarray(0, 3)) / 3, sumOf(x!.subarray(3)) / 3],
  },
  { name: 'norm', inputs: [A], func: (x) => x.norm(), reference: ([x]) => [Math.sqrt(sumOf(map(x!, (v) => v * v)))] },
  {
    name: '3-norm over an axis',
    inputs: [A],
    func: (x) => F.norm(x, 3, 1),
    reference: ([x]) => [0, 1].map((r) => sumOf(map(x!.subarray(3 * r, 3 * r + 3), (v) => Math.abs(v) ** 3)) ** (1 / 3)),
  },
  {
    name: 'reshape and transpose',
    inputs: [A],
    func: (x) => [F.reshape(x, [-1]).mul(F.reshape(x, [3, 2]).reshape([6])), x.T.mul(F.transpose(x))],
    reference: ([x]) => [...map(x!, (v) => v * v), ...[0, 1, 2].flatMap((j) => [0, 1].map((i) => x![i * 3 + j]! ** 2))],
  },
  {
    name: 'broadcastTo',
    inputs: [[0.5, -1, 2]],
    func: (x) => F.broadcastTo(x, [2, 3]).mul([[1], [2]]),
    reference: ([x]) => [...map(x!, (v) => v), ...map(x!, (v) => 2 * v)],
  },
  { name: 'sigmoid', inputs: [A], func: (x) => x.sigmoid(), reference: ([x]) => map(x!, (v) => 1 / (1 + Math.exp(-v))) },
  { name: 'relu', inputs: [A], func: (x) => F.relu(x), reference: ([x]) => map(x!, (v) => (v > 0 ? v : 0)) },
  {
    name: 'max over an axis and all axes',
    inputs: [A],
    func: (x) => [x.max(1), F.max(x), x.max(0, true)],
    reference: ([x]) => [Math.max(...x!.subarray(0, 3)), Math.max(...x!.subarray(3)), Math.max(...x!), ...[0, 1, 2].map((j) => Math.max(x![j]!, x![3 + j]!))],
  },
  {
    name: 'logsumexp over an axis',
    inputs: [A],
    func: (x) => [x.logsumexp(1), F.logsumexp(x, 0, true)],
    reference: ([x]) => [
      ...[0, 1].map((r) => Math.log(sumOf(map(x!.subarray(3 * r, 3 * r + 3), Math.exp)))),
      ...[0, 1, 2].map((j) => Math.log(Math.exp(x![j]!) + Math.exp(x![3 + j]!))),
    ],
  },
  {
    name: 'softmax and logSoftmax',
    inputs: [A],
    func: (x) => [x.softmax(), F.logSoftmax(x, 0)],
    reference: ([x]) => {
      const rows = [0, 1].map((r) => map(x!.subarray(3 * r, 3 * r + 3), Math.exp));
      const columnLogSums = [0, 1, 2].map((j) => Math.log(Math.exp(x![j]!) + Math.exp(x![3 + j]!)));
      return [...rows.flatMap((row) => row.map((v) => v / sumOf(row))), ...Array.from(x!, (v, i) => v - columnLogSums[i % 3]!)];
    },
  },
  {
    name: 'softmax and logSoftmax over every axis',
    inputs: [A],
    func: (x) => [x.softmax(null), F.logSoftmax(x, null)],
    reference: ([x]) => {
      const total = sumOf(map(x!, Math.exp));
      return [...map(x!, (v) => Math.exp(v) / total), ...map(x!, (v) => v - Math.log(total))];
    },
  },
  {
    // Over axes 0 and 2 of a [2, 2, 2] tensor, the groups are the elements that share axis 1.
    name: 'softmax over a list of axes',
    inputs: [[[[0.5, -1.2], [0.8, 1.4]], [[0.3, -0.6], [0.9, 0.2]]]],
    func: (x) => [x.softmax([0, 2]), F.logSoftmax(x, [-1, 0])],
    reference: ([x]) => {
      const group = (i: number) => (i >> 1) & 1;
      const totals = [0, 1].map((g) => sumOf(Array.from(x!, (v, i) => (group(i) === g ? Math.exp(v) : 0))));
      return [...map(x!, (v) => v).map((v, i) => Math.exp(v) / totals[group(i)]!), ...map(x!, (v) => v).map((v, i) => v - Math.log(totals[group(i)]!))];
    },
  },
  {
    name: 'concat with a constant',
    inputs: [A, [[0.5], [-2]]],
    func: (x, y) => F.concat([x, y, [[7], [8]]], 1),
    reference: ([x, y]) => [...x!.subarray(0, 3), y![0]!, 7, ...x!.subarray(3), y![1]!, 8],
  },
  {
    name: 'slice with a step and pad',
    inputs: [A],
    func: (x) => [x.slice([1], [null], [null], [2]), F.slice(x, [0, 1], [-1, 1], [null, 2]).pad([1, 0], [0, 2], [0, 1])],
    // The second output is [[x₄]] padded to [[0, 0, 0], [x₄, 0, 0]].
    reference: ([x]) => [x![0]!, x![2]!, x![3]!, x![5]!, 0, 0, 0, x![4]!, 0, 0],
  },
  {
    name: 'get',
    inputs: [A],
    func: (x) => [x.get(1), x.get(null, -1), x.get([0, 2], { start: 2 }), x.get(-1, { step: 2 })],
    reference: ([x]) => [...x!.subarray(3), x![2]!, x![5]!, x![2]!, x![5]!, x![3]!, x![5]!],
  },
  {
    name: 'cast through float32',
    inputs: [A],
    func: (x) => x.cast('float32').mul(3).cast('float64'),
    reference: ([x]) => map(x!, (v) => 3 * v),
    tol: 1e-6,
  },
];

describe('tensor ops: values and Jacobians', () => {
  for (const c of cases) {
    it(`${c.name}`, () => {
      const xs = c.inputs.map(flat);
      const tol = c.tol ?? 1e-7;
      const [ys] = jvp(c.func, c.inputs as number[][]);
      const values = (Array.isArray(ys) ? ys : [ys]).flatMap((y: NDArray) => Array.from(y.data as Float64Array));
      const finite = finiteDifferenceJacobian(c.reference, xs);

      expectClose(values, c.reference(xs), tol);
      expectClose(new Jacobian(c.func, c.inputs as number[][], { mode: 'forward' }).value(), finite, tol);
      expectClose(new Jacobian(c.func, c.inputs as number[][], { mode: 'reverse' }).value(), finite, tol);
    });
  }
});

describe('derivatives against closed forms', () => {
  it.each(['forward', 'reverse'] as const)('softmax of large values has Jacobian diag(s) - s sᵀ in %s mode', (mode) => {
    const x = [1000, 1001, 1002];
    const total = 1 + Math.E + Math.E ** 2;
    const s = [1 / total, Math.E / total, Math.E ** 2 / total];

    const [y] = jvp((t: Tensor) => t.softmax(), [x]);
    const J = new Jacobian((t: Tensor) => t.softmax(), [x], { mode }).value();

    expectClose(y, s, 1e-15);
    expectClose(J, s.map((si, i) => s.map((sj, j) => (i === j ? si : 0) - si * sj)), 1e-15);
  });

  it('logSoftmax of large values has Jacobian I - 1 sᵀ', () => {
    const x = [1000, 1001, 1002];
    const total = 1 + Math.E + Math.E ** 2;
    const s = [1 / total, Math.E / total, Math.E ** 2 / total];

    const J = new Jacobian((t: Tensor) => t.logSoftmax(), [x], { mode: 'reverse' }).value();

    expectClose(J, s.map((_, i) => s.map((sj, j) => (i === j ? 1 : 0) - sj)), 1e-15);
  });

  it('logsumexp has the softmax as gradient, with 0 at -Infinity elements', () => {
    expectClose(grad((t: Tensor) => t.logsumexp())([-Infinity, 0, Math.log(3)]), [0, 0.25, 0.75], 1e-15);
    expectClose(grad((t: Tensor) => t.logsumexp())([1000, 1000]), [0.5, 0.5], 1e-15);
  });

  it('sigmoid has derivative s(1 - s), finite for large magnitudes', () => {
    const x = [-1000, -2, 0, 3, 1000];
    const s = x.map((v) => 1 / (1 + Math.exp(-v)));

    expectClose(grad((t: Tensor) => t.sigmoid().sum())(x), s.map((v) => v * (1 - v)), 1e-15);
  });

  it('relu has derivative 0 at 0', () => {
    expectClose(grad((t: Tensor) => t.relu().sum())([-1, 0, 2]), [0, 0, 1], 0);
  });

  it('max splits the gradient evenly among tied maxima', () => {
    expectClose(grad((t: Tensor) => t.max())([1, 3, 3]), [0, 0.5, 0.5], 0);
    expectClose(grad((t: Tensor) => t.max(1).sum())([[2, 2, 2], [0, 4, 1]]), [[1 / 3, 1 / 3, 1 / 3], [0, 1, 0]], 1e-15);
  });
});

describe('fully masked rows', () => {
  // Row 0 is masked out: every element is -Infinity, as in an attention mask over padding.
  const MASK = [[-Infinity, -Infinity], [0, 0]];
  const X = [[0.1, 0.2], [0.3, 0.4]];
  // The softmax of row 1, [0.3, 0.4].
  const s0 = 1 / (1 + Math.exp(0.1));
  const s1 = 1 - s0;

  it('logsumexp gradient on a masked row', () => {
    const [value, gradient] = F.valueAndGrad((w: Tensor) => w.add(MASK).logsumexp(1).get(1))(X);

    expectClose(value, Math.log(Math.exp(0.3) + Math.exp(0.4)), 1e-15);
    expectClose(gradient, [[0, 0], [s0, s1]], 1e-15);
  });

  it('logSoftmax and softmax gradients on a masked row', () => {
    // d log_softmax(x)₀ = e₀ - s, and d softmax(x)₀ = s₀ (e₀ - s).
    expectClose(grad((w: Tensor) => w.add(MASK).logSoftmax(1).get(1, 0))(X), [[0, 0], [s1, -s1]], 1e-15);
    expectClose(grad((w: Tensor) => w.add(MASK).softmax(1).get(1, 0))(X), [[0, 0], [s0 * s1, -s0 * s1]], 1e-15);
  });

  it('values and tangents on a masked row', () => {
    // The tangent of row 0 is not 0, but the masked row does not depend on x.
    const v = [[1, -2], [1, -1]];

    const [lse, lseDot] = jvp((w: Tensor) => w.add(MASK).logsumexp(1), [X], [v]);
    const [softmax, softmaxDot] = jvp((w: Tensor) => w.add(MASK).softmax(1), [X], [v]);
    const [logSoftmax, logSoftmaxDot] = jvp((w: Tensor) => w.add(MASK).logSoftmax(1), [X], [v]);

    expect(lse.data[0]).toBe(-Infinity);
    expectClose(lse.data[1], Math.log(Math.exp(0.3) + Math.exp(0.4)), 1e-15);
    expect(Array.from(softmax.data.subarray(0, 2))).toEqual([NaN, NaN]);
    expect(Array.from(logSoftmax.data.subarray(0, 2))).toEqual([NaN, NaN]);
    // Along v₁ = [1, -1]: d lse = ⟨s, v₁⟩ = s₀ - s₁, d softmax = s ⊙ (v₁ - ⟨s, v₁⟩), d log_softmax = v₁ - ⟨s, v₁⟩.
    const along = s0 - s1;
    expectClose(lseDot, [0, along], 1e-15);
    expectClose(softmaxDot, [[0, 0], [s0 * (1 - along), s1 * (-1 - along)]], 1e-15);
    expectClose(logSoftmaxDot, [[0, 0], [1 - along, -1 - along]], 1e-15);
  });

  it('gradient of a fully masked tensor', () => {
    expect(grad((w: Tensor) => w.softmax(null).get(0, 0))([[-Infinity, -Infinity]]).toNested()).toEqual([[0, 0]]);
    expect(grad((w: Tensor) => w.logSoftmax(null).get(0, 1))([[-Infinity, -Infinity]]).toNested()).toEqual([[0, 0]]);
  });
});

describe('slicing and joining errors', () => {
  const table: [string, () => unknown, string | RegExp][] = [
    ['get with a negative step', () => jvp((t: Tensor) => t.get({ step: -1 }), [[1, 2, 3]]), 'get: the range on axis 0 has a negative step, and reversing an axis is not supported.'],
    ['get with too many indices', () => jvp((t: Tensor) => t.get(0, 0), [[1, 2]]), 'get: got 2 indices for a tensor of shape [2].'],
    ['get out of range', () => jvp((t: Tensor) => t.get(2), [[1, 2]]), /get: index 2 is out of range for axis 0 of size 2/],
    ['concat of nothing', () => F.concat([]), "concat: 'xs' must be a non-empty array of tensors, got an empty array."],
    ['concat of constants only', () => F.concat([[1], [2]]), /concat: at least one operand must be a traced tensor/],
    ['slice of a constant', () => F.slice([1, 2] as never, [0], [0], [1]), /slice: 'x' must be a traced tensor/],
    ['concat of mismatched shapes', () => jvp((t: Tensor) => F.concat([t, [[1, 2]]], 0), [[1, 2, 3]]), /concat: inputs must have one rank/],
    ['slice with a number for axes', () => jvp((t: Tensor) => F.slice(t, 0 as never, [0], [1]), [[1, 2]]), "slice: argument 'axes' must be a list of integers, got 0."],
    ['slice with a NaN end', () => jvp((t: Tensor) => t.slice([0], [0], [NaN]), [[1, 2]]), "slice: argument 'ends' must be a list of integers or nulls, got [NaN]."],
    [
      'slice with lists of different lengths',
      () => jvp((t: Tensor) => t.slice([0], [0, 1], [1]), [[1, 2]]),
      "slice: arguments 'axes', 'starts', 'ends' and 'steps' need one entry per sliced axis, got 1, 2, 1 and 1.",
    ],
    [
      'pad without after',
      () => jvp((t: Tensor) => F.pad(t, [0, 0], undefined as never), [[[1, 2], [3, 4]]]),
      "pad: argument 'after' must be 2 non-negative integer(s), one per axis of x, got undefined.",
    ],
    [
      'pad with a negative count',
      () => jvp((t: Tensor) => t.pad([-1], [0]), [[1, 2]]),
      "pad: argument 'before' must be 1 non-negative integer(s), one per axis of x, got [-1]. Use slice to remove elements.",
    ],
    ['pad with an Infinity interior', () => jvp((t: Tensor) => t.pad([0], [0], [Infinity]), [[1, 2]]), /pad: argument 'interior' must be 1 non-negative integer\(s\), one per axis of x, got \[Infinity\]\./],
  ];

  it.each(table)('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('comparisons', () => {
  const x = [[1, 2, 3]];
  const y = [[3, 2, 1]];
  const table = [
    ['equal', [0, 1, 0]],
    ['notEqual', [1, 0, 1]],
    ['greater', [0, 0, 1]],
    ['greaterEqual', [0, 1, 1]],
    ['less', [1, 0, 0]],
    ['lessEqual', [1, 1, 0]],
  ] as const;

  it.each(table)('%s', (name, expected) => {
    const method = (a: Tensor, b: Tensor) => a[name](b).cast('float64');
    const free = (a: Tensor, b: Tensor) => (F[name] as (p: Tensor, q: Tensor) => Tensor)(a, b).cast('float64');

    const [viaMethod, tangent] = jvp(method, [x, y]);
    const [viaFree] = jvp(free, [x, y]);

    expect(viaMethod.toNested()).toEqual([expected]);
    expect(viaFree.toNested()).toEqual([expected]);
    // A comparison has no derivative, so the tangent is a symbolic zero.
    expect(tangent.toNested()).toEqual([[0, 0, 0]]);
  });
});

describe('dtypes and output arrays', () => {
  it('JS numbers are float64', () => {
    const [y] = jvp((x: Tensor) => x.mul(2), [[1, 2]]);

    expect(y.dtype).toBe('float64');
  });

  it('Float32Array inputs stay float32', () => {
    const [y, yDot] = jvp((x: Tensor) => x.mul(x), new Float32Array([1, 2, 3]));

    expect(y.dtype).toBe('float32');
    expect(yDot.dtype).toBe('float32');
    expect(Array.from(yDot.dataSync())).toEqual([2, 4, 6]);
  });

  it('results offer arraySync, array, dataSync and shape', async () => {
    const [y] = jvp((x: Tensor) => x.add(1), [[[1, 2], [3, 4]]]);

    expect(y.shape).toEqual([2, 2]);
    expect(y.arraySync()).toEqual([[2, 3], [4, 5]]);
    expect(await y.array()).toEqual([[2, 3], [4, 5]]);
    expect(y.dataSync()).toBeInstanceOf(Float64Array);
    expect(Array.from(y.dataSync())).toEqual([2, 3, 4, 5]);
  });

  it('dataSync returns a copy', () => {
    const [y] = jvp((x: Tensor) => x.add(1), [[1, 2]]);

    y.dataSync()[0] = 100;

    expect(y.arraySync()).toEqual([2, 3]);
  });

  it('NDArray inputs', () => {
    const [, yDot] = jvp((x: Tensor) => x.sin(), NDArray.from([0, Math.PI], 'float64'));

    expectClose(yDot, [1, -1], 1e-15);
  });
});
