import { describe, expect, it } from 'vitest';
import {
  ArgumentError,
  Builder,
  NDArray,
  OpArgumentError,
  PLUGIN_CONTRACT_VERSION,
  Program,
  ShapeError,
  VerifyError,
  broadcastAxes,
  broadcastShapes,
  Op,
  createRegistry,
  inferBroadcast,
  inferOutputTypes,
  printBlock,
  verifyBlock,
  type NestedArray,
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

describe('infer output checks', () => {
  const bad: { case: string; result: unknown; outputs?: string[]; message: string }[] = [
    {
      case: 'an invalid shape and dtype',
      result: [{ shape: [-3, 1.5], dtype: 'float99' }],
      message:
        "cube: the infer function of the op definition from plugin 'cube-plugin' returned " +
        '[{ shape: [-3, 1.5], dtype: "float99" }]: output 0 (\'out\') has shape [-3, 1.5], but a shape is an array ' +
        'of non-negative integers, and has dtype "float99", but the dtypes are float32, float64, int32, bool. ' +
        'infer must return an array with one { shape, dtype } per output; fix the op definition.',
    },
    {
      case: 'undefined',
      result: undefined,
      message: "cube: the infer function of the op definition from plugin 'cube-plugin' returned undefined: that is not an array.",
    },
    {
      case: 'a bare type',
      result: { shape: [2], dtype: 'float64' },
      message: 'returned { shape: [2], dtype: "float64" }: that is not an array.',
    },
    {
      case: 'a missing dtype',
      result: [{ shape: [2] }],
      message: "output 0 ('out') has dtype undefined, but the dtypes are float32, float64, int32, bool.",
    },
    {
      case: 'a shape that is not an array',
      result: [{ shape: 2, dtype: 'float64' }],
      message: "output 0 ('out') has shape 2, but a shape is an array of non-negative integers.",
    },
    {
      case: 'null for an output',
      result: [{ shape: [2], dtype: 'float64' }, null],
      outputs: ['values', 'indices'],
      message: "output 1 ('indices') is null, not a { shape, dtype } object.",
    },
    {
      case: 'fewer types than declared outputs',
      result: [{ shape: [2], dtype: 'float64' }],
      outputs: ['values', 'indices'],
      message: 'the op declares 2 output(s) (values, indices), but infer returned 1 type(s).',
    },
    {
      case: 'two types for an op that declares no outputs',
      result: [
        { shape: [2], dtype: 'float64' },
        { shape: [2], dtype: 'int32' },
      ],
      message:
        "cube: the infer function of the op definition from plugin 'cube-plugin' returned " +
        '[{ shape: [2], dtype: "float64" }, { shape: [2], dtype: "int32" }]: the op declares no outputs, so it has one ' +
        "output ('out'), but infer returned 2 type(s); list the output names in outputs.",
    },
    {
      case: 'no types for an op that declares no outputs',
      result: [],
      message: "the op declares no outputs, so it has one output ('out'), but infer returned 0 type(s)",
    },
  ];

  function registryInferring(result: unknown, outputs?: string[]) {
    const def: OpDef = { type: 'cube', kind: 'orig', inputs: ['x'], infer: () => result as never, ...(outputs ? { outputs } : {}) };
    return createRegistry([{ name: 'cube-plugin', contract: PLUGIN_CONTRACT_VERSION, ops: [def] }]);
  }

  it.each(bad)('rejects $case when the op is built', ({ result, outputs, message }) => {
    const block = new Program().globalBlock();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const b = new Builder(block, registryInferring(result, outputs));

    expect(() => b.emit('cube', [x])).toThrow(OpArgumentError);
    expect(() => b.emit('cube', [x])).toThrow(message);
    expect(block.ops).toHaveLength(0);
  });

  it.each(bad)('rejects $case in emitInto', ({ result, outputs, message }) => {
    const block = new Program().globalBlock();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const state = block.createVar({ name: 'state', shape: [2], dtype: 'float64', persistable: true });

    expect(() => new Builder(block, registryInferring(result, outputs)).emitInto('cube', [x], [state])).toThrow(message);
  });

  it('reports a bad infer result in verifyBlock with the plugin', () => {
    const block = new Program().globalBlock();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const y = block.createVar({ name: 'y', shape: [2], dtype: 'float64' });
    block.appendOp(new Op('cube', [x], [y]));

    expect(() => verifyBlock(block, registryInferring([{ shape: [2], dtype: 'float16' }]))).toThrow(
      /op #0 'cube': cube: the infer function of the op definition from plugin 'cube-plugin' returned .*dtype "float16"/,
    );
  });

  it('accepts a result that matches the declared outputs', () => {
    const block = new Program().globalBlock();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });
    const types = [
      { shape: [2], dtype: 'float64' },
      { shape: [], dtype: 'int32' },
    ];

    const [values, index] = new Builder(block, registryInferring(types, ['values', 'index'])).emit('cube', [x]);

    expect(values!.shape).toEqual([2]);
    expect(index!.dtype).toBe('int32');
  });

  it.each([
    ['an Error', new RangeError('rank 3 is not supported'), 'rank 3 is not supported'],
    ['a string', 'bad attrs', '"bad attrs"'],
  ])('wraps %s thrown by infer, naming the plugin', (_case, thrown, shown) => {
    const def: OpDef = {
      type: 'cube',
      kind: 'orig',
      inputs: ['x'],
      infer: () => {
        throw thrown;
      },
    };
    const registry = createRegistry([{ name: 'cube-plugin', contract: PLUGIN_CONTRACT_VERSION, ops: [def] }]);
    const block = new Program().globalBlock();
    const x = block.createVar({ name: 'x', shape: [2], dtype: 'float64', isData: true });

    const error = (() => {
      try {
        new Builder(block, registry).emit('cube', [x]);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected emit to throw');
    })();

    expect(error).toBeInstanceOf(OpArgumentError);
    expect(error.message).toBe(`cube: shape inference failed in the infer function of the op definition from plugin 'cube-plugin': ${shown}`);
    expect(error.cause).toBe(thrown);
  });

  it('passes a PrimgradError thrown by infer through unchanged', () => {
    const shapeError = new ShapeError('cube', 'x must be 2-D', [[2]]);
    const def: OpDef = {
      type: 'cube',
      kind: 'orig',
      inputs: ['x'],
      infer: () => {
        throw shapeError;
      },
    };

    expect(() => inferOutputTypes(def, [{ shape: [2], dtype: 'float64' }], {}, 'cube-plugin')).toThrow(shapeError);
  });

  it('names no plugin when called without one', () => {
    const def: OpDef = { type: 'cube', kind: 'orig', inputs: ['x'], infer: () => undefined as never };

    expect(() => inferOutputTypes(def, [{ shape: [2], dtype: 'float64' }], {})).toThrow(
      'cube: the infer function of the op definition returned undefined: that is not an array.',
    );
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

  const lossy: { case: string; value: unknown; dtype: 'int32' | 'bool'; shape?: number[]; message: string }[] = [
    {
      case: 'a number beyond int32',
      value: 3e10,
      dtype: 'int32',
      message: 'Cannot convert to int32: the value at flat index 0 is 30000000000, which is outside the int32 range [-2147483648, 2147483647].',
    },
    { case: 'NaN into int32', value: [1, NaN], dtype: 'int32', message: 'the value at flat index 1 is NaN, which int32 cannot hold.' },
    { case: 'Infinity into int32', value: [-Infinity], dtype: 'int32', message: 'the value at flat index 0 is -Infinity, which is outside the int32 range' },
    {
      case: 'a fraction into int32',
      value: [[1, 2], [3, 1.7]],
      dtype: 'int32',
      message: 'Cannot convert to int32: the value at flat index 3 (index [1,1] of shape [2,2]) is 1.7, which is not an integer. Round the values first',
    },
    { case: 'one past the int32 maximum', value: [2147483648], dtype: 'int32', message: 'flat index 0 is 2147483648, which is outside the int32 range' },
    { case: 'a fraction in a Float64Array', value: new Float64Array([0, 0.5]), dtype: 'int32', message: 'flat index 1 is 0.5, which is not an integer' },
    {
      case: 'a fraction in a Float32Array with a shape',
      value: new Float32Array([1, 2, 3, 4, 5, 6.5]),
      dtype: 'int32',
      shape: [2, 3],
      message: 'flat index 5 (index [1,2] of shape [2,3]) is 6.5, which is not an integer',
    },
    {
      case: 'a 2 into bool',
      value: [2, 0.5, -1],
      dtype: 'bool',
      message: 'Cannot convert to bool: the value at flat index 0 is 2, but bool takes only true/false or 0/1. Pass booleans',
    },
    { case: 'a fraction into bool', value: [1, 0.5], dtype: 'bool', message: 'flat index 1 is 0.5, but bool takes only true/false or 0/1' },
    { case: 'a 255 byte into bool', value: new Uint8Array([0, 255]), dtype: 'bool', message: 'flat index 1 is 255, but bool takes only' },
    { case: 'NaN into bool', value: NaN, dtype: 'bool', message: 'flat index 0 is NaN, but bool takes only' },
    {
      case: 'a fractional float64 NDArray into int32',
      value: new NDArray('float64', [2], new Float64Array([4, -0.25])),
      dtype: 'int32',
      message: 'flat index 1 is -0.25, which is not an integer',
    },
  ];

  it.each(lossy)('rejects $case', ({ value, dtype, shape, message }) => {
    const convert = () => NDArray.from(value as NestedArray, dtype, shape);

    expect(convert).toThrow(ArgumentError);
    expect(convert).toThrow(message);
  });

  const exact: { case: string; value: unknown; dtype: 'int32' | 'bool'; stored: number[] }[] = [
    { case: 'the int32 extremes', value: [-2147483648, 2147483647], dtype: 'int32', stored: [-2147483648, 2147483647] },
    { case: 'integral floats into int32', value: new Float64Array([-3, 0, 7]), dtype: 'int32', stored: [-3, 0, 7] },
    { case: 'booleans into int32', value: [true, false], dtype: 'int32', stored: [1, 0] },
    { case: 'booleans into bool', value: [[true, false]], dtype: 'bool', stored: [1, 0] },
    { case: '0 and 1 into bool', value: new Int32Array([0, 1, 1]), dtype: 'bool', stored: [0, 1, 1] },
    { case: 'an int32 NDArray into bool', value: new NDArray('int32', [2], new Int32Array([1, 0])), dtype: 'bool', stored: [1, 0] },
  ];

  it.each(exact)('stores $case exactly', ({ value, dtype, stored }) => {
    expect(Array.from(NDArray.from(value as NestedArray, dtype).data)).toEqual(stored);
  });

  it('keeps converting floats to float targets', () => {
    expect(Array.from(NDArray.from([NaN, 1.7, 3e10], 'float64').data)).toEqual([NaN, 1.7, 3e10]);
    expect(NDArray.from(new Float64Array([1e40]), 'float32').data[0]).toBe(Infinity);
  });

  it('rejects a BigInt64Array', () => {
    expect(() => NDArray.from(new BigInt64Array(2) as never, 'float64')).toThrow(
      'Cannot convert a BigInt64Array to float64; pass a typed array of Numbers, such as a Float64Array.',
    );
  });

  it('rejects a typed array of the wrong size', () => {
    expect(() => NDArray.from(new Float64Array(5), 'float64', [2, 3])).toThrow(/5 elements does not fit shape \[2,3\]/);
  });
});
