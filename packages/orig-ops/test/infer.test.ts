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
      message: /transpose: perm \[0,0\] is not a permutation of the 2 axes/,
    },
    {
      op: 'reduce_sum over an axis out of range',
      build: ({ b, input }) => ops.reduceSum(b, input([2, 3]), 2),
      message: /reduce_sum: axis 2 is out of range for rank 2/,
    },
    { op: 'p_norm with porder 0', build: ({ b, input }) => ops.pNorm(b, input([2]), 0), message: /p_norm: attr 'porder' must be a positive finite number, got 0/ },
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
