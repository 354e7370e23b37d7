/**
 * A third party's plugins, written against @primgrad/ir only: four prims (add_p, times_p,
 * double_p, square_p), the native ops they raise to, a comparison pair (positive,
 * positive_p) with a bool output, every rule each needs, and CPU kernels. Broken variants
 * override one rule each.
 */
import {
  NDArray,
  PLUGIN_CONTRACT_VERSION,
  type LinearizeRule,
  type OpDef,
  type Plugin,
  type TransposeRule,
  type VjpRule,
} from '@primgrad/ir';
import type { CpuKernel } from '@primgrad/backend-cpu';

function elementwiseDef(type: string, kind: 'orig' | 'prim', inputs: string[], extra: Partial<OpDef> = {}): OpDef {
  return {
    type,
    kind,
    inputs,
    ...extra,
    infer: (types) => [{ shape: types[0]!.shape, dtype: extra.differentiable === false ? 'bool' : types[0]!.dtype }],
  };
}

function elementwiseKernel(f: (...args: number[]) => number): CpuKernel {
  return (inputs, _op, [outType]) => {
    const out = NDArray.zeros(outType!.dtype, outType!.shape);
    for (let i = 0; i < out.size; i++) out.data[i] = f(...inputs.map((a) => a.data[i]!));
    return [out];
  };
}

export const toyOpsPlugin: Plugin = {
  name: 'toy-ops',
  version: '1.0.0',
  contract: PLUGIN_CONTRACT_VERSION,
  backends: ['cpu'],
  ops: [
    elementwiseDef('add_p', 'prim', ['x', 'y'], { linearIn: [0, 1] }),
    elementwiseDef('times_p', 'prim', ['x', 'y'], { linearIn: [0, 1] }),
    elementwiseDef('double_p', 'prim', ['x'], { linearIn: [0] }),
    elementwiseDef('square_p', 'prim', ['x']),
    elementwiseDef('positive_p', 'prim', ['x'], { differentiable: false }),
    elementwiseDef('add', 'orig', ['x', 'y']),
    elementwiseDef('times', 'orig', ['x', 'y']),
    elementwiseDef('double', 'orig', ['x']),
    elementwiseDef('square', 'orig', ['x']),
    elementwiseDef('positive', 'orig', ['x'], { differentiable: false }),
    elementwiseDef('nonnegative', 'orig', ['x'], { differentiable: false }),
  ],
  kernels: {
    cpu: {
      add: elementwiseKernel((x, y) => x + y),
      times: elementwiseKernel((x, y) => x * y),
      double: elementwiseKernel((x) => 2 * x),
      square: elementwiseKernel((x) => x * x),
      positive: elementwiseKernel((x) => (x > 0 ? 1 : 0)),
      nonnegative: elementwiseKernel((x) => (x >= 0 ? 1 : 0)),
    },
  },
  providers: { vjp: 'toy-rules-package', linearize: 'toy-rules-package' },
};

const sumTangents = (b: Parameters<LinearizeRule>[0], a: ReturnType<LinearizeRule>[number], c: ReturnType<LinearizeRule>[number]) =>
  a && c ? b.emit1('add_p', [a, c]) : (a ?? c);

// d(x y) = ẋ y + x ẏ
const timesLinearize: LinearizeRule = (b, op, [xDot, yDot]) => {
  const [x, y] = op.inputs;
  return [sumTangents(b, xDot ? b.emit1('times_p', [xDot, y!]) : null, yDot ? b.emit1('times_p', [x!, yDot]) : null)];
};

// out = x y with one factor fixed: the linear input's cotangent is ct times the other factor
const timesTranspose: TransposeRule = (b, op, [ct], linear) => {
  if (!ct) return [null, null];
  return linear[0] ? [b.emit1('times_p', [ct, op.inputs[1]!]), null] : [null, b.emit1('times_p', [ct, op.inputs[0]!])];
};

// x̄ = ct y, ȳ = ct x
const timesVjp: VjpRule = (b, op, [ct], needed) => {
  if (!ct) return [null, null];
  const [x, y] = op.inputs;
  return [needed[0] ? b.emit1('times', [ct, y!]) : null, needed[1] ? b.emit1('times', [ct, x!]) : null];
};

export const toyRulesPlugin: Plugin = {
  name: 'toy-rules',
  version: '1.0.0',
  contract: PLUGIN_CONTRACT_VERSION,
  orig2prim: {
    add: (b, op) => [b.emit1('add_p', op.inputs)],
    times: (b, op) => [b.emit1('times_p', op.inputs)],
    double: (b, op) => [b.emit1('double_p', op.inputs)],
    square: (b, op) => [b.emit1('times_p', [op.inputs[0]!, op.inputs[0]!])],
    positive: (b, op) => [b.emit1('positive_p', op.inputs)],
  },
  prim2orig: {
    add_p: (b, op) => [b.emit1('add', op.inputs)],
    times_p: (b, op) => [b.emit1('times', op.inputs)],
    double_p: (b, op) => [b.emit1('double', op.inputs)],
    square_p: (b, op) => [b.emit1('square', op.inputs)],
    positive_p: (b, op) => [b.emit1('positive', op.inputs)],
  },
  linearize: {
    add_p: (b, _op, [xDot, yDot]) => [sumTangents(b, xDot ?? null, yDot ?? null)],
    times_p: timesLinearize,
    double_p: (b, _op, [xDot]) => [xDot ? b.emit1('double_p', [xDot]) : null],
    // d(x²) = 2x ẋ
    square_p: (b, op, [xDot]) => [xDot ? b.emit1('times_p', [b.emit1('double_p', op.inputs), xDot]) : null],
  },
  transpose: {
    add_p: (_b, _op, [ct], linear) => [linear[0] ? ct : null, linear[1] ? ct : null],
    times_p: timesTranspose,
    double_p: (b, _op, [ct]) => [ct ? b.emit1('double_p', [ct]) : null],
  },
  vjp: {
    add: (_b, _op, [ct], needed) => [needed[0] ? ct : null, needed[1] ? ct : null],
    times: timesVjp,
    double: (b, _op, [ct]) => [ct ? b.emit1('double', [ct]) : null],
    // x̄ = ct 2x
    square: (b, op, [ct]) => [ct ? b.emit1('times', [ct, b.emit1('double', op.inputs)]) : null],
  },
};

/** Makes a plugin that replaces rules of the toy plugins. */
function broken(name: string, rules: Omit<Plugin, 'name' | 'contract' | 'override'>): Plugin {
  return { name, contract: PLUGIN_CONTRACT_VERSION, override: true, ...rules };
}

/** Lowers square to 2x instead of x². */
export const wrongSquareLowering = broken('toy-wrong-square-lowering', {
  orig2prim: { square: (b, op) => [b.emit1('double_p', op.inputs)] },
});

/** Raises double_p to x² instead of 2x. */
export const wrongDoubleRaise = broken('toy-wrong-double-raise', {
  prim2orig: { double_p: (b, op) => [b.emit1('times', [op.inputs[0]!, op.inputs[0]!])] },
});

/** Lowers double to x², so raising double_p and lowering it again changes its values. */
export const wrongDoubleLowering = broken('toy-wrong-double-lowering', {
  orig2prim: { double: (b, op) => [b.emit1('times_p', [op.inputs[0]!, op.inputs[0]!])] },
});

/** Raises positive_p to x ≥ 0 instead of x > 0: the two differ only at 0. */
export const wrongPositiveRaise = broken('toy-wrong-positive-raise', {
  prim2orig: { positive_p: (b, op) => [b.emit1('nonnegative', op.inputs)] },
});

/** Drops the factor 2 of x̄ = 2x ct. */
export const wrongSquareVjp = broken('toy-wrong-square-vjp', {
  vjp: { square: (b, op, [ct]) => [ct ? b.emit1('times', [ct, op.inputs[0]!]) : null] },
});

/** Keeps only the x ẏ term of d(x y), so first derivatives through square_p's rule stay right and second ones break. */
export const wrongTimesLinearize = broken('toy-wrong-times-linearize', {
  linearize: { times_p: (b, op, [, yDot]) => [yDot ? b.emit1('times_p', [op.inputs[0]!, yDot]) : null] },
});

/** Gives ȳ = ct y instead of ct x. */
export const wrongTimesVjp = broken('toy-wrong-times-vjp', {
  vjp: {
    times: (b, op, [ct], needed) => {
      if (!ct) return [null, null];
      const y = op.inputs[1]!;
      return [needed[0] ? b.emit1('times', [ct, y]) : null, needed[1] ? b.emit1('times', [ct, y]) : null];
    },
  },
});
