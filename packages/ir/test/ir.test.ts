import { describe, expect, it } from 'vitest';
import {
  Builder,
  NDArray,
  OpArgumentError,
  PLUGIN_CONTRACT_VERSION,
  Program,
  ShapeError,
  VerifyError,
  broadcastAxes,
  broadcastShapes,
  createRegistry,
  inferBroadcast,
  printBlock,
  verifyBlock,
  type OpDef,
} from '../src/index.js';

const addDef: OpDef = {
  type: 'add',
  kind: 'orig',
  inputs: ['x', 'y'],
  infer: (inputs) => [inferBroadcast('add', inputs, ['x', 'y'])],
};
const registry = createRegistry([{ name: 'test-ops', contract: PLUGIN_CONTRACT_VERSION, ops: [addDef] }]);

function setup() {
  const program = new Program();
  const block = program.globalBlock();
  return { program, block, b: new Builder(block, registry) };
}

describe('broadcastShapes', () => {
  it.each([
    { a: [2, 3], b: [3], out: [2, 3] },
    { a: [2, 1], b: [1, 3], out: [2, 3] },
    { a: [], b: [4], out: [4] },
    { a: [5, 1, 3], b: [4, 1], out: [5, 4, 3] },
    { a: [2, 3], b: [4], out: null },
  ])('$a with $b gives $out', ({ a, b, out }) => {
    expect(broadcastShapes(a, b)).toEqual(out);
  });

  it('lists the broadcast axes', () => {
    expect(broadcastAxes([3], [2, 3])).toEqual([0]);
    expect(broadcastAxes([2, 1], [2, 3])).toEqual([1]);
    expect(broadcastAxes([], [2, 3])).toEqual([0, 1]);
    expect(broadcastAxes([1, 1], [1, 1])).toEqual([]);
  });
});

describe('Builder', () => {
  it('names the op and both shapes when shapes do not broadcast', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2, 3], dtype: 'float64', isData: true });
    const y = block.createVar({ name: 'y', shape: [4], dtype: 'float64', isData: true });

    expect(() => b.emit1('add', [x, y])).toThrow(ShapeError);
    expect(() => b.emit1('add', [x, y])).toThrow('add: shapes [2,3] and [4] do not broadcast');
    expect(block.ops).toHaveLength(0);
  });

  it('names the op and the dtypes when they differ', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = block.createVar({ name: 'y', shape: [2], dtype: 'float32', isData: true });

    expect(() => b.emit1('add', [x, y])).toThrow(/add: inputs must share one dtype, but x is float64 and y is float32/);
  });

  it('checks the input count', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });

    expect(() => b.emit1('add', [x])).toThrow(OpArgumentError);
    expect(() => b.emit1('add', [x])).toThrow('add: expects 2 input(s) (x, y), got 1.');
  });

  it('inserts at its insertion point', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const first = b.emit1('add', [x, x]);
    b.emit1('add', [first, x]);

    const inserter = new Builder(block, registry, { insertAt: 1 });
    inserter.emit1('add', [first, first], {}, { name: 'middle' });

    expect(block.ops.map((op) => op.outputs[0]!.name)).toEqual([first.name, 'middle', 'add_1']);
  });
});

describe('printBlock', () => {
  it('prints inputs then one op per line', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2, 3], dtype: 'float32', isData: true });
    const w = block.createVar({ name: 'w', shape: [3], dtype: 'float32', persistable: true, isParameter: true });
    b.emit1('add', [x, w]);

    expect(printBlock(block)).toMatchInlineSnapshot(`
      "block 0 {
        x: f32[2,3] (data)
        w: f32[3] (param needs-grad)
        add_0: f32[2,3] = add(x, w)
      }"
    `);
  });
});

describe('verifyBlock', () => {
  it('reports a var read before it is defined', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const loose = block.createVar({ name: 'loose', shape: [2], dtype: 'float64' });
    b.emit1('add', [x, loose]);

    expect(() => verifyBlock(block, registry)).toThrow(VerifyError);
    expect(() => verifyBlock(block, registry)).toThrow(/op #0 'add': input 'loose' is read before any op defines it/);
  });

  it('accepts a well-formed block', () => {
    const { block, b } = setup();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    b.emit1('add', [x, x]);

    expect(() => verifyBlock(block, registry)).not.toThrow();
  });
});

describe('NDArray', () => {
  it('round-trips nested arrays', () => {
    const a = NDArray.from([[1, 2, 3], [4, 5, 6]], 'float64');

    expect(a.shape).toEqual([2, 3]);
    expect(a.toNested()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('rounds to float32', () => {
    expect(NDArray.from([0.1], 'float32').data[0]).toBe(Math.fround(0.1));
  });

  it('gives a number for a 0-d array', () => {
    expect(NDArray.from(2.5, 'float64').toNested()).toBe(2.5);
    expect(NDArray.from(2.5, 'float64').shape).toEqual([]);
  });

  it('rejects ragged input', () => {
    expect(() => NDArray.from([[1, 2], [3]], 'float64')).toThrow(/ragged at depth 1: expected shape \[2,2\]/);
  });

  it('rejects a typed array of the wrong size', () => {
    expect(() => NDArray.from(new Float64Array(5), 'float64', [2, 3])).toThrow(/5 elements does not fit shape \[2,3\]/);
  });
});
