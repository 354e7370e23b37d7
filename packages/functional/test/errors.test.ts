import { ArgumentError, MissingRuleError, NDArray, PrimgradError, ShapeError, createRegistry } from '@primgrad/ir';
import { describe, expect, it } from 'vitest';
import { Hessian, Jacobian, add, grad, jvp, linearize, valueAndGrad, vjp, type Tensor } from '../src/index.js';
import { standardPlugins } from './helpers.js';

const x22 = NDArray.full('float64', [2, 2], 1);
const square = (x: Tensor) => x.matmul(x);

/** Runs `call` and returns what it threw. */
function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

describe('invalid functions', () => {
  it.each([
    ['jvp', () => jvp(42 as never, [1]), 'jvp: func must be a function of traced tensors, got a number (42).'],
    ['vjp', () => vjp(undefined as never, [1]), 'vjp: func must be a function of traced tensors, got undefined.'],
    ['grad', () => grad('x' as never), 'grad: func must be a function of traced tensors, got a string ("x").'],
    ['valueAndGrad', () => valueAndGrad({} as never), 'valueAndGrad: func must be a function of traced tensors, got an object (Object).'],
    ['Jacobian', () => new Jacobian(null as never, [1]), 'Jacobian: func must be a function of traced tensors, got null.'],
    ['Hessian', () => new Hessian(null as never, [1]), 'Hessian: func must be a function of traced tensors, got null.'],
  ])('%s rejects a non-function', (_name, call, message) => {
    const error = thrown(call);

    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toBe(message);
  });

  it.each([
    ['a number', () => 3, 'its result is a number (3). A concrete value does not depend on the inputs'],
    ['an NDArray in a list', (x: Tensor) => [x, x22], 'output 1 is an NDArray float64[2,2]'],
    ['nothing', (x: Tensor) => void x.sin(), 'its result is undefined'],
    ['an empty list', () => [], 'func returned an empty array'],
  ])('rejects a function returning %s', (_name, func, message) => {
    expect(() => jvp(func as never, [[1, 2]])).toThrow(message);
  });

  it('rejects a bool output', () => {
    expect(() => jvp((x: Tensor) => x.greater(0), [[1]])).toThrow(
      "jvp: the output of func is bool[1], which has no derivative: only float32 and float64 values can be differentiated. Cast it inside func, as y.cast('float64')",
    );
  });

  it('rejects an int output in a list, naming it', () => {
    expect(() => vjp((x: Tensor) => [x, x.cast('int32')], [[1]])).toThrow('vjp: output 1 of func is int32[1], which has no derivative');
  });

  it.each([
    ['grad', () => grad((x: Tensor) => x.sin())([1, 2]), 'grad: func must return one tensor with a single element (a scalar), but it returned float64[2].'],
    ['Hessian', () => new Hessian(square, [x22]), 'Hessian: func must return one tensor with a single element (a scalar), but it returned float64[2,2].'],
    [
      'batched Hessian',
      () => new Hessian((x: Tensor) => x.sin(), [[[1, 2, 3], [4, 5, 6]]], { isBatched: true }),
      'Hessian: func must return one tensor with a single element per batch element (shape [B] or [B, 1]), but it returned float64[2,3].',
    ],
    ['Hessian of two outputs', () => new Hessian((x: Tensor) => [x.sum(), x.sum()], [[1, 2]]), 'but it returned float64[], float64[].'],
  ])('%s rejects an output that is not one element', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('invalid inputs', () => {
  it.each([
    ['an int array', () => jvp((x: Tensor) => x, new Int32Array([1, 2])), 'jvp: xs is int32[2], which has no derivative'],
    ['a string', () => jvp((x: Tensor) => x, ['a' as never]), 'jvp: xs[0] is a string ("a"), which is not a supported array value. Pass a number, a nested array'],
    ['a nested string', () => jvp((x: Tensor) => x, [[1, 'a'] as never]), 'jvp: xs[0] is a nested array containing a string ("a") at [1]'],
    ['a ragged array', () => jvp((x: Tensor) => x, [[[1, 2], [3]]]), 'jvp: xs[0] is not a valid nested array: Nested array is ragged'],
    ['a Uint8Array', () => vjp((x: Tensor) => x, new Uint8Array([1]) as never), 'vjp: xs is a Uint8Array, which is not a supported array value'],
    ['an object', () => new Jacobian((x: Tensor) => x, [{} as never]), 'Jacobian: xs[0] is an object (Object), which is not a supported array value'],
    ['no inputs', () => jvp(square, []), 'jvp: got no inputs (xs is empty)'],
    ['bools', () => grad((x: Tensor) => x.sum())([true, false]), 'grad: argument 0 is bool[2], which has no derivative'],
  ])('rejects %s', (_name, call, message) => {
    const error = thrown(call);

    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toContain(message);
  });

  it('rejects a nested array given where the list of inputs belongs', () => {
    expect(() => jvp((x: Tensor) => x.sin(), [[1, 2], [3, 4]])).toThrow(
      'jvp: func declares 1 parameter(s) but xs contains 2 input(s). xs is the list of inputs, one per parameter: wrap a single nested-array input in a list, as [x].',
    );
  });
});

describe('invalid v', () => {
  it.each([
    ['the wrong count', () => jvp((x: Tensor, y: Tensor) => x.add(y), [[1], [2]], [[1]]), 'jvp: v has 1 entry but there are 2 inputs; pass one value per input.'],
    ['the wrong shape', () => jvp(square, x22, [1, 2, 3]), 'jvp: v has shape [3], but xs has shape [2,2]; pass a value of that shape.'],
    ['no list for a list of inputs', () => jvp(square, [x22], x22), 'jvp: v must be a list with one value per input (1), got an NDArray float64[2,2].'],
    ['the wrong shape for an output', () => vjp(square, x22, [1, 2, 3]), 'vjp: v has shape [3], but the output has shape [2,2]'],
    ['the wrong count of outputs', () => vjp((x: Tensor) => [x, x], [[1, 2]], [[1, 2]]), 'vjp: v has 1 entry but there are 2 outputs'],
    ['a wrong-size typed array', () => jvp(square, x22, new Float64Array(3)), 'jvp: v is a typed array of 3 elements, but xs has shape [2,2]'],
    ['a wrong shape in a list', () => vjp((x: Tensor) => [x, x.sum()], [[1, 2]], [[1, 2], [1]]), 'vjp: v[1] has shape [1], but output 1 has shape []'],
    ['a string', () => linearize(square, x22)[1]('a'), 'linearize: fJvp: v is a string ("a"), which is not a supported array value'],
  ])('rejects %s', (_name, call, message) => {
    const error = thrown(call);

    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toContain(message);
  });

  it('accepts a flat typed array of the right size', () => {
    const [, yDot] = jvp(square, x22, new Float64Array([1, 0, 0, 0]));

    expect(yDot.toNested()).toEqual([[2, 1], [1, 0]]);
  });
});

describe('the batch convention', () => {
  it('rejects different batch sizes', () => {
    expect(() => new Jacobian((x: Tensor) => x.sum(0), [[[1, 2], [3, 4], [5, 6]]], { isBatched: true })).toThrow(
      'Jacobian: with isBatched, every input and output must have the same batch size (first dim), but xs[0] has shape [3,2] and the output has shape [2].',
    );
  });

  it('rejects an input without a batch axis', () => {
    expect(() => new Jacobian((x: Tensor, y: Tensor) => x.mul(y), [[1, 2], 3], { isBatched: true })).toThrow(
      'Jacobian: with isBatched, every input and output needs a leading batch axis, but xs[1] has shape [].',
    );
  });

  it('rejects an unknown mode', () => {
    expect(() => new Jacobian(square, [x22], { mode: 'sideways' as never })).toThrow("options.mode must be 'forward' or 'reverse'");
  });
});

describe('tracing mistakes', () => {
  it('JS arithmetic on a traced tensor', () => {
    expect(() => jvp(((x: Tensor) => (x as unknown as number) * 2) as never, [1])).toThrow(
      'Tensor(float64[], traced) has no value while its function is traced, so JS operators (+, *, <, ...) cannot use it. Use the tensor methods instead',
    );
  });

  it('a tensor kept after its function returned', () => {
    let escaped: Tensor | undefined;
    jvp((x: Tensor) => (escaped = x), [1]);

    expect(() => jvp((y: Tensor) => y.add(escaped!), [1])).toThrow('add: Tensor(float64[], traced) belongs to a traced function that has already returned.');
  });

  it('a tensor captured from an enclosing traced function', () => {
    expect(() => jvp((x: Tensor) => jvp((y: Tensor) => y.mul(x), [[1]])[1] as never, [[2]])).toThrow(
      'mul: operands come from two different traced functions. A function passed to jvp, vjp, grad or Jacobian cannot use tensors captured',
    );
  });

  it('an op with only constants', () => {
    expect(() => add(1, 2)).toThrow('add: at least one operand must be a traced tensor');
  });

  it('an invalid constant operand', () => {
    expect(() => jvp((x: Tensor) => x.add('a' as never), [1])).toThrow("add: operand 'y' is a string (\"a\"). Pass a traced tensor or a constant");
  });

  it('.T of a 1-D tensor', () => {
    expect(() => jvp((x: Tensor) => x.T, [[1, 2]])).toThrow('T: needs a 2-D tensor, got shape [2]; use transpose(perm) for other ranks.');
  });

  it('an op on shapes that do not fit', () => {
    const error = thrown(() => jvp((x: Tensor) => x.matmul([[1, 2, 3]]), [[[1, 2]]]));

    expect(error).toBeInstanceOf(ShapeError);
    expect(error.message).toContain('matmul: inner dims differ');
  });

  it('linearize and Jacobian inside a traced function', () => {
    expect(() => jvp((x: Tensor) => linearize(square, [x])[0] as never, [x22])).toThrow('linearize: xs contains traced tensors.');
    expect(() => jvp((x: Tensor) => new Jacobian(square, [x as never]) as never, [x22])).toThrow('Jacobian: xs contains traced tensors.');
  });
});

describe('options', () => {
  it('an empty registry', () => {
    expect(() => jvp(square, x22, undefined, { registry: createRegistry([]) })).toThrow(
      "jvp: the registry defines no native ops, so nothing can be traced. Import 'primgrad'",
    );
  });

  it('a place that returns promises', () => {
    const error = thrown(() => jvp(square, x22, undefined, { place: { backend: 'gpu', run: async () => [] } }));

    expect(error).toBeInstanceOf(PrimgradError);
    expect(error.message).toBe(
      "jvp: the place for backend 'gpu' returned a promise, but the functional APIs run synchronously. Pass a synchronous place such as new CPUPlace().",
    );
  });

  it('invalid options objects', () => {
    expect(() => jvp(square, x22, undefined, 5 as never)).toThrow('jvp: options must be an object like { registry, place }, got number.');
    expect(() => jvp(square, x22, undefined, { place: {} as never })).toThrow('jvp: options.place must be a Place with a run() method');
    expect(() => jvp(square, x22, undefined, { registry: {} as never })).toThrow('jvp: options.registry must be a Registry');
  });
});

describe('a forward-only registry', () => {
  // Without @primgrad/transpose-rules, forward mode works and reverse mode names the package to add.
  const registry = createRegistry(standardPlugins.filter((p) => p.name !== '@primgrad/transpose-rules'));

  it('runs jvp', () => {
    const [, yDot] = jvp(square, x22, undefined, { registry });

    expect(yDot.toNested()).toEqual([[4, 4], [4, 4]]);
  });

  it('rejects vjp naming the package', () => {
    const error = thrown(() => vjp(square, x22, undefined, { registry }));

    expect(error).toBeInstanceOf(MissingRuleError);
    expect(error.message).toMatch(/^No transpose rule is registered for op '\w+_p'. It is provided by @primgrad\/transpose-rules/);
  });
});

describe('option and index checks', () => {
  const f = (x: Tensor) => x.mul(x);

  it('reject an unknown option by name', () => {
    expect(() => new Jacobian(f, [[1, 2]], { isbatched: true } as never)).toThrow(
      "Jacobian: unknown option 'isbatched'. Known options: registry, place, batchRules, isBatched, mode, maxBatchSize.",
    );
    expect(() => jvp(f, [[1, 2]], undefined, { mode: 'forward' } as never)).toThrow("jvp: unknown option 'mode'.");
  });

  it('reject a non-boolean isBatched', () => {
    expect(() => new Jacobian(f, [[1, 2]], { isBatched: 'yes' as never })).toThrow('Jacobian: options.isBatched must be true or false, got "yes".');
  });

  it('reject a range with a misspelled key', () => {
    const J = new Jacobian(f, [[1, 2]]);

    expect(() => J.get({ start: 0, stop: 2, stpe: 2 } as never)).toThrow(
      "Jacobian.get: the range on axis 0 has unknown key 'stpe'; a range is { start, stop, step }.",
    );
  });

  it('format a BigInt index', () => {
    const J = new Jacobian(f, [[1, 2]]);

    expect(() => J.get(1n as never)).toThrow(/got 1n/);
  });
});
