import { describe, expect, it } from 'vitest';
import { Builder, Program, createRegistry, type DType, type Var } from '@primgrad/ir';
import * as prims from '../src/index.js';

const registry = createRegistry([prims.primOpsPlugin]);

function setup() {
  const block = new Program().globalBlock();
  const b = new Builder(block, registry);
  const input = (shape: number[], dtype: DType = 'float64'): Var => block.createVar({ shape, dtype, isData: true });
  return { b, input, block };
}

describe('prim shape inference', () => {
  const cases: { prim: string; build: (s: ReturnType<typeof setup>) => Var; shape: number[]; dtype?: DType }[] = [
    { prim: 'add_p', build: ({ b, input }) => prims.addP(b, input([2, 3]), input([2, 3])), shape: [2, 3] },
    { prim: 'matmul_p batched', build: ({ b, input }) => prims.matmulP(b, input([4, 2, 3]), input([4, 3, 5])), shape: [4, 2, 5] },
    { prim: 'broadcast_p', build: ({ b, input }) => prims.broadcastP(b, input([3]), [2, 3]), shape: [2, 3] },
    { prim: 'reduce_sum_p', build: ({ b, input }) => prims.reduceSumP(b, input([2, 3, 4]), [0, 2]), shape: [3] },
    { prim: 'reduce_sum_p keepdim', build: ({ b, input }) => prims.reduceSumP(b, input([2, 3]), [1], true), shape: [2, 1] },
    { prim: 'transpose_p', build: ({ b, input }) => prims.transposeP(b, input([2, 3, 4]), [1, 2, 0]), shape: [3, 4, 2] },
    { prim: 'reshape_p to 0-d', build: ({ b, input }) => prims.reshapeP(b, input([1, 1]), []), shape: [] },
    { prim: 'gt_p', build: ({ b, input }) => prims.gtP(b, input([2]), input([2])), shape: [2], dtype: 'bool' },
    { prim: 'select_p', build: ({ b, input }) => prims.selectP(b, input([2], 'bool'), input([2]), input([2])), shape: [2] },
    { prim: 'cast_p', build: ({ b, input }) => prims.castP(b, input([2]), 'int32'), shape: [2], dtype: 'int32' },
    { prim: 'reduce_max_p', build: ({ b, input }) => prims.reduceMaxP(b, input([2, 3, 4]), [0, 2]), shape: [3] },
    { prim: 'reduce_max_p keepdim', build: ({ b, input }) => prims.reduceMaxP(b, input([2, 3]), [1], true), shape: [2, 1] },
    { prim: 'concat_p', build: ({ b, input }) => prims.concatP(b, [input([2, 1]), input([2, 3]), input([2, 0])], 1), shape: [2, 4] },
    { prim: 'slice_p with a step', build: ({ b, input }) => prims.sliceP(b, input([7, 2]), [1, 0], [7, 2], [3, 1]), shape: [2, 2] },
    { prim: 'slice_p empty', build: ({ b, input }) => prims.sliceP(b, input([3]), [2], [2], [1]), shape: [0] },
    { prim: 'pad_p', build: ({ b, input }) => prims.padP(b, input([2, 3]), [1, 0], [0, 2], [0, 1]), shape: [3, 7] },
  ];

  it.each(cases)('$prim', ({ build, shape, dtype }) => {
    const out = build(setup());

    expect(out.shape).toEqual(shape);
    expect(out.dtype).toBe(dtype ?? 'float64');
  });
});

describe('prim errors', () => {
  const cases: { prim: string; build: (s: ReturnType<typeof setup>) => Var; message: string | RegExp }[] = [
    {
      prim: 'add_p does not broadcast',
      build: ({ b, input }) => prims.addP(b, input([2, 3]), input([3])),
      message: 'add_p: inputs must have equal shapes; broadcast them first (input shapes: [2,3], [3])',
    },
    {
      prim: 'matmul_p needs equal batch dims',
      build: ({ b, input }) => prims.matmulP(b, input([2, 2, 3]), input([1, 3, 4])),
      message: /matmul_p: expects x \[\.\.\., m, k\] and y \[\.\.\., k, n\] with equal batch dims/,
    },
    { prim: 'broadcast_p cannot shrink', build: ({ b, input }) => prims.broadcastP(b, input([2, 3]), [3]), message: /broadcast_p: cannot broadcast to \[3\]/ },
    {
      prim: 'select_p needs a bool condition',
      build: ({ b, input }) => prims.selectP(b, input([2]), input([2]), input([2])),
      message: 'select_p: condition must be bool, got float64.',
    },
    {
      prim: 'reduce_max_p over an empty axis',
      build: ({ b, input }) => prims.reduceMaxP(b, input([0, 2]), [0]),
      message: 'reduce_max_p: axis 0 has size 0, and the maximum of no elements is undefined (input shapes: [0,2])',
    },
    {
      prim: 'concat_p with a negative axis',
      build: ({ b, input }) => prims.concatP(b, [input([2]), input([2])], -1),
      message: "concat_p: attr 'axis' must be an axis from 0 to 0, got -1.",
    },
    {
      prim: 'concat_p with mismatched dims',
      build: ({ b, input }) => prims.concatP(b, [input([2, 3]), input([3, 3])], 1),
      message: 'concat_p: inputs must agree on every axis but 1 (input shapes: [2,3], [3,3])',
    },
    {
      prim: 'slice_p with an end past the dim',
      build: ({ b, input }) => prims.sliceP(b, input([3]), [0], [4], [1]),
      message: 'slice_p: axis 0 of x [3] needs 0 <= start <= end <= 3 and step >= 1, got start 0, end 4, step 1.',
    },
    {
      prim: 'slice_p with too few bounds',
      build: ({ b, input }) => prims.sliceP(b, input([3, 2]), [0], [3], [1]),
      message: "slice_p: attrs 'starts', 'ends' and 'steps' need one entry per axis of x [3,2], got 1, 1 and 1.",
    },
    {
      prim: 'pad_p with a negative count',
      build: ({ b, input }) => prims.padP(b, input([3]), [0], [-1], [0]),
      message: "pad_p: attr 'after' must be one non-negative integer per axis of x [3], got [-1].",
    },
    { prim: 'log_p of int32', build: ({ b, input }) => prims.logP(b, input([2], 'int32')), message: /log_p: input 'x' must be float32 or float64/ },
  ];

  it.each(cases)('$prim', ({ build, message }) => {
    expect(() => build(setup())).toThrow(message);
  });
});

describe('broadcast helpers', () => {
  it('unbroadcastP sums the broadcast axes and reshapes', () => {
    const { b, input, block } = setup();

    const out = prims.unbroadcastP(b, input([4, 2, 3]), [2, 1]);

    expect(out.shape).toEqual([2, 1]);
    expect(block.ops.map((op) => [op.type, op.attrs])).toEqual([
      ['reduce_sum_p', { axis: [0, 2], keepdim: false }],
      ['reshape_p', { shape: [2, 1] }],
    ]);
  });

  it('emit nothing when the shapes already agree', () => {
    const { b, input, block } = setup();
    const x = input([2, 3]);

    expect(prims.unbroadcastP(b, x, [2, 3])).toBe(x);
    expect(prims.broadcastToP(b, x, [2, 3])).toBe(x);
    expect(block.ops).toHaveLength(0);
  });

  it('lists linear inputs per prim', () => {
    const linear = Object.fromEntries(prims.primOpDefs.map((d) => [d.type, d.linearIn ?? []]));

    expect(linear.mul_p).toEqual([0, 1]);
    expect(linear.div_p).toEqual([0]);
    expect(linear.select_p).toEqual([1, 2]);
    expect(linear.tanh_p).toEqual([]);
  });
});
