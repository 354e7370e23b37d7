import { describe, expect, it } from 'vitest';
import { Builder, Program, createRegistry, type DType, type Var } from '@primgrad/ir';
import * as ops from '../src/index.js';

const registry = createRegistry([ops.origOpsPlugin]);

function setup() {
  const block = new Program().globalBlock();
  const b = new Builder(block, registry);
  const input = (shape: number[], dtype: DType = 'float64'): Var => block.createVar({ shape, dtype, isData: true });
  return { b, input };
}

describe('native op shape inference', () => {
  const cases: { op: string; build: (s: ReturnType<typeof setup>) => Var; shape: number[]; dtype?: DType }[] = [
    { op: 'add broadcasts a row', build: ({ b, input }) => ops.add(b, input([2, 3]), input([3])), shape: [2, 3] },
    { op: 'mul broadcasts size-1 dims', build: ({ b, input }) => ops.mul(b, input([2, 1]), input([1, 4])), shape: [2, 4] },
    { op: 'sub with a 0-d operand', build: ({ b, input }) => ops.sub(b, input([]), input([5])), shape: [5] },
    { op: 'matmul 2-D', build: ({ b, input }) => ops.matmul(b, input([2, 20]), input([20, 2])), shape: [2, 2] },
    {
      op: 'matmul with transX and transY',
      build: ({ b, input }) => ops.matmul(b, input([3, 2]), input([4, 3]), { transX: true, transY: true }),
      shape: [2, 4],
    },
    { op: 'matmul batched with broadcast', build: ({ b, input }) => ops.matmul(b, input([5, 1, 2, 3]), input([4, 3, 6])), shape: [5, 4, 2, 6] },
    { op: 'matmul vector-matrix', build: ({ b, input }) => ops.matmul(b, input([3]), input([3, 4])), shape: [4] },
    { op: 'matmul vector-vector', build: ({ b, input }) => ops.matmul(b, input([3]), input([3])), shape: [] },
    { op: 'reduce_sum over all', build: ({ b, input }) => ops.reduceSum(b, input([2, 3])), shape: [] },
    { op: 'reduce_sum keepdim', build: ({ b, input }) => ops.reduceSum(b, input([2, 3, 4]), [-1, 0], true), shape: [1, 3, 1] },
    { op: 'p_norm over all', build: ({ b, input }) => ops.pNorm(b, input([2, 20])), shape: [] },
    { op: 'p_norm over an axis', build: ({ b, input }) => ops.pNorm(b, input([2, 20]), 2, 1), shape: [2] },
    { op: 'reshape with -1', build: ({ b, input }) => ops.reshape(b, input([2, 3, 4]), [-1, 4]), shape: [6, 4] },
    { op: 'transpose', build: ({ b, input }) => ops.transpose(b, input([2, 3, 4]), [2, 0, 1]), shape: [4, 2, 3] },
    { op: 'broadcast_to', build: ({ b, input }) => ops.broadcastTo(b, input([3, 1]), [2, 3, 4]), shape: [2, 3, 4] },
    { op: 'equal gives bool', build: ({ b, input }) => ops.equal(b, input([2]), input([2])), shape: [2], dtype: 'bool' },
    { op: 'cast', build: ({ b, input }) => ops.cast(b, input([2]), 'float32'), shape: [2], dtype: 'float32' },
    { op: 'fill_constant', build: ({ b }) => ops.fillConstant(b, [2, 2], 'float32', 1), shape: [2, 2], dtype: 'float32' },
    { op: 'reduce_max over an int axis', build: ({ b, input }) => ops.reduceMax(b, input([2, 3, 4]), -1), shape: [2, 3] },
    { op: 'reduce_max keepdim', build: ({ b, input }) => ops.reduceMax(b, input([2, 3]), null, true), shape: [1, 1] },
    { op: 'reduce_max of an empty axis that is not reduced', build: ({ b, input }) => ops.reduceMax(b, input([0, 3]), 1), shape: [0] },
    { op: 'logsumexp over all', build: ({ b, input }) => ops.logsumexp(b, input([2, 3])), shape: [] },
    { op: 'logsumexp over an empty axis', build: ({ b, input }) => ops.logsumexp(b, input([2, 0]), 1), shape: [2] },
    { op: 'softmax keeps the shape', build: ({ b, input }) => ops.softmax(b, input([2, 3]), 0), shape: [2, 3] },
    { op: 'softmax over every axis of a 0-d input', build: ({ b, input }) => ops.softmax(b, input([]), null), shape: [] },
    { op: 'log_softmax over a list of axes', build: ({ b, input }) => ops.logSoftmax(b, input([2, 3, 4]), [0, -1]), shape: [2, 3, 4] },
    { op: 'log_softmax keeps the dtype', build: ({ b, input }) => ops.logSoftmax(b, input([4], 'float32')), shape: [4], dtype: 'float32' },
    { op: 'sigmoid', build: ({ b, input }) => ops.sigmoid(b, input([2])), shape: [2] },
    { op: 'relu', build: ({ b, input }) => ops.relu(b, input([])), shape: [] },
    {
      op: 'concat of three along a negative axis',
      build: ({ b, input }) => ops.concat(b, [input([2, 3]), input([2, 1]), input([2, 0])], -1),
      shape: [2, 4],
    },
    { op: 'concat of one input', build: ({ b, input }) => ops.concat(b, [input([3], 'int32')]), shape: [3], dtype: 'int32' },
    { op: 'slice with negative bounds', build: ({ b, input }) => ops.slice(b, input([5, 4]), [1], [-3], [-1]), shape: [5, 2] },
    { op: 'slice with clamped bounds', build: ({ b, input }) => ops.slice(b, input([5]), [0], [-10], [10]), shape: [5] },
    { op: 'slice with an end before the start', build: ({ b, input }) => ops.slice(b, input([5]), [0], [3], [1]), shape: [0] },
    { op: 'slice with nulls and a step', build: ({ b, input }) => ops.slice(b, input([7]), [0], [null], [null], [3]), shape: [3] },
    { op: 'pad', build: ({ b, input }) => ops.pad(b, input([2, 3], 'bool'), [1, 0], [0, 2]), shape: [3, 5], dtype: 'bool' },
    { op: 'pad with interior zeros', build: ({ b, input }) => ops.pad(b, input([3, 1, 0]), [0, 0, 1], [0, 0, 0], [2, 5, 3]), shape: [7, 1, 1] },
  ];

  it.each(cases)('$op', ({ build, shape, dtype }) => {
    const out = build(setup());

    expect(out.shape).toEqual(shape);
    expect(out.dtype).toBe(dtype ?? 'float64');
  });
});

describe('native op errors', () => {
  const cases: { op: string; build: (s: ReturnType<typeof setup>) => Var; message: string | RegExp }[] = [
    {
      op: 'add of shapes that do not broadcast',
      build: ({ b, input }) => ops.add(b, input([2, 3]), input([4])),
      message: 'add: shapes [2,3] and [4] do not broadcast: trailing dims must be equal or 1 (input shapes: [2,3], [4])',
    },
    {
      op: 'matmul with mismatched inner dims',
      build: ({ b, input }) => ops.matmul(b, input([2, 3]), input([4, 5])),
      message: 'matmul: inner dims differ: x has 3 columns, y has 4 rows (input shapes: [2,3], [4,5])',
    },
    {
      op: 'matmul of a 0-d operand',
      build: ({ b, input }) => ops.matmul(b, input([]), input([4, 5])),
      message: /matmul: x and y must have rank 1 or more/,
    },
    {
      op: 'matmul of mixed dtypes',
      build: ({ b, input }) => ops.matmul(b, input([2, 2], 'float32'), input([2, 2])),
      message: /matmul: inputs must share one dtype, but x is float32 and y is float64/,
    },
    { op: 'tanh of int32', build: ({ b, input }) => ops.tanh(b, input([2], 'int32')), message: "tanh: input 'x' must be float32 or float64, got int32." },
    {
      op: 'reshape to another size',
      build: ({ b, input }) => ops.reshape(b, input([2, 3]), [4, 2]),
      message: 'reshape: cannot reshape 6 elements to [4,2] (input shapes: [2,3])',
    },
    {
      op: 'transpose with a bad perm',
      build: ({ b, input }) => ops.transpose(b, input([2, 3]), [0, 0]),
      message: /transpose: perm \[0, 0\] is not a permutation of the 2 axes/,
    },
    {
      op: 'reduce_sum over an axis out of range',
      build: ({ b, input }) => ops.reduceSum(b, input([2, 3]), 2),
      message: /reduce_sum: axis 2 is out of range for rank 2/,
    },
    { op: 'p_norm with porder 0', build: ({ b, input }) => ops.pNorm(b, input([2]), 0), message: /p_norm: attr 'porder' must be a positive finite number, got 0/ },
    {
      op: 'reduce_max over an empty axis',
      build: ({ b, input }) => ops.reduceMax(b, input([2, 0]), 1),
      message: 'reduce_max: axis 1 has size 0, and the maximum of no elements is undefined; reduce over non-empty axes only (input shapes: [2,0])',
    },
    { op: 'reduce_max of int32', build: ({ b, input }) => ops.reduceMax(b, input([2], 'int32')), message: "reduce_max: input 'x' must be float32 or float64, got int32." },
    {
      op: 'softmax of a 0-d input',
      build: ({ b, input }) => ops.softmax(b, input([])),
      message: 'softmax: axis -1 is out of range for rank 0; x needs rank 1 or more, or axis null (input shapes: [])',
    },
    {
      op: 'log_softmax with a non-integer axis',
      build: ({ b, input }) => b.emit1('log_softmax', [input([2])], { axis: 0.5 }),
      message: "log_softmax: attr 'axis' must be an integer, a list of integers or null (every axis), got 0.5.",
    },
    {
      op: 'concat of mismatched dims',
      build: ({ b, input }) => ops.concat(b, [input([2, 3]), input([3, 1])], 1),
      message:
        'concat: input 1 has 3 elements on axis 0 where input 0 has 2; only axis 1, the one joined along, may differ (input shapes: [2,3], [3,1])',
    },
    {
      op: 'concat of mixed ranks',
      build: ({ b, input }) => ops.concat(b, [input([2, 3]), input([3])]),
      message: /concat: inputs must have one rank of at least 1/,
    },
    {
      op: 'concat of mixed dtypes',
      build: ({ b, input }) => ops.concat(b, [input([2]), input([2], 'float32')]),
      message: /concat: inputs must share one dtype, but input 0 is float64 and input 1 is float32/,
    },
    { op: 'concat of nothing', build: ({ b }) => ops.concat(b, []), message: 'concat: expects at least 1 input(s) (x, xs), got 0.' },
    {
      op: 'concat along an axis out of range',
      build: ({ b, input }) => ops.concat(b, [input([2])], 1),
      message: 'concat: axis 1 is out of range for rank 1 (input shapes: [2])',
    },
    {
      op: 'slice with a zero step',
      build: ({ b, input }) => ops.slice(b, input([4]), [0], [0], [4], [0]),
      message: 'slice: steps must be positive integers, got 0 for axis 0; reversing an axis is not supported.',
    },
    {
      op: 'slice with lists of different lengths',
      build: ({ b, input }) => ops.slice(b, input([4, 4]), [0, 1], [0], [2, 2]),
      message: "slice: attrs 'axes', 'starts', 'ends' and 'steps' need one entry per sliced axis, got 2, 1, 2 and 2.",
    },
    {
      op: 'slice naming an axis twice',
      build: ({ b, input }) => ops.slice(b, input([4, 4]), [1, -1], [0, 0], [2, 2]),
      message: 'slice: axes [1,-1] name axis 1 twice (input shapes: [4,4])',
    },
    {
      op: 'slice with a fractional bound',
      build: ({ b, input }) => ops.slice(b, input([4]), [0], [0.5], [2]),
      message: "slice: attr 'starts' must be a list of integers or nulls, got [0.5].",
    },
    {
      op: 'slice with a number for axes',
      build: ({ b, input }) => ops.slice(b, input([4]), 0 as never, [0], [1]),
      message: "slice: attr 'axes' must be a list of integers, got 0.",
    },
    {
      op: 'slice with a NaN end',
      build: ({ b, input }) => ops.slice(b, input([4]), [0], [0], [NaN]),
      message: "slice: attr 'ends' must be a list of integers or nulls, got [NaN].",
    },
    {
      op: 'slice with an Infinity step',
      build: ({ b, input }) => ops.slice(b, input([4]), [0], [0], [4], [Infinity]),
      message: "slice: attr 'steps' must be a list of integers or nulls, got [Infinity].",
    },
    {
      op: 'pad without after',
      build: ({ b, input }) => ops.pad(b, input([2, 2]), [0, 0], undefined as never),
      message: "pad: attr 'after' must be 2 non-negative integer(s), one per axis of x, got undefined.",
    },
    {
      op: 'pad with a NaN count',
      build: ({ b, input }) => ops.pad(b, input([2]), [NaN], [0]),
      message: "pad: attr 'before' must be 1 non-negative integer(s), one per axis of x, got [NaN].",
    },
    {
      op: 'softmax over a repeated axis',
      build: ({ b, input }) => ops.softmax(b, input([2, 3]), [1, -1]),
      message: 'softmax: axes [1,-1] repeat an axis (input shapes: [2,3])',
    },
    {
      op: 'log_softmax over a listed axis out of range',
      build: ({ b, input }) => ops.logSoftmax(b, input([2, 3]), [0, 2]),
      message: 'log_softmax: axis 2 is out of range for rank 2 (input shapes: [2,3])',
    },
    {
      op: 'softmax with a string axis',
      build: ({ b, input }) => b.emit1('softmax', [input([2])], { axis: '0' }),
      message: 'softmax: attr \'axis\' must be an integer, a list of integers or null (every axis), got "0".',
    },
    {
      op: 'pad with a negative count',
      build: ({ b, input }) => ops.pad(b, input([4]), [-1], [0]),
      message: "pad: attr 'before' must be 1 non-negative integer(s), one per axis of x, got [-1]. Use slice to remove elements.",
    },
    {
      op: 'pad with too few counts',
      build: ({ b, input }) => ops.pad(b, input([4, 2]), [1, 1], [0, 0], [1]),
      message: /pad: attr 'interior' must be 2 non-negative integer/,
    },
    {
      op: 'broadcast_to a smaller shape',
      build: ({ b, input }) => ops.broadcastTo(b, input([2, 3]), [3]),
      message: /broadcast_to: cannot broadcast to \[3\]/,
    },
  ];

  it.each(cases)('$op', ({ build, message }) => {
    expect(() => build(setup())).toThrow(message);
  });
});
