/**
 * Shared test setup: the full registry, seeded input data, building a native program, running
 * a block on the CPU backend, and comparing results with a tolerance per dtype.
 */
import { CPUPlace, backendCpuPlugin } from '@primgrad/backend-cpu';
import {
  Builder,
  NDArray,
  Program,
  Scope,
  createRegistry,
  formatShape,
  numel,
  type Block,
  type DType,
  type Registry,
  type Shape,
  type Var,
} from '@primgrad/ir';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { orig2primRulesPlugin } from '../src/index.js';

export const registry = createRegistry([origOpsPlugin, primOpsPlugin, orig2primRulesPlugin, backendCpuPlugin]);

/** How an input's values are drawn: `normal` in [-2, 2), `positive` in [0.5, 2.5), `integers` in {-1, 0, 1, 2}, `bool` 0 or 1. */
export type ValueKind = 'normal' | 'positive' | 'integers' | 'bool';

export interface InputSpec {
  readonly shape: Shape;
  /** Defaults to the dtype the case runs with. */
  readonly dtype?: DType;
  readonly values?: ValueKind;
  /** Exact values, row-major, in place of drawn ones. */
  readonly data?: readonly number[];
}

/** A mulberry32 generator, so every run feeds the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeInput(spec: InputSpec, dtype: DType, random: () => number): NDArray {
  const size = numel(spec.shape);
  const inputDType = spec.dtype ?? dtype;
  if (spec.data) return NDArray.from(Float64Array.from(spec.data), inputDType, spec.shape);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const u = random();
    switch (spec.values ?? 'normal') {
      case 'normal':
        values[i] = 4 * u - 2;
        break;
      case 'positive':
        values[i] = 0.5 + 2 * u;
        break;
      case 'integers':
        values[i] = Math.floor(4 * u) - 1;
        break;
      case 'bool':
        values[i] = u < 0.5 ? 0 : 1;
        break;
    }
  }
  return NDArray.from(values, inputDType, spec.shape);
}

export interface BuiltProgram {
  readonly block: Block;
  readonly inputs: Var[];
  readonly output: Var;
}

/** Builds a program of native ops: one data var per input spec, then `build` on them. */
export function buildProgram(
  specs: readonly InputSpec[],
  dtype: DType,
  build: (b: Builder, ...inputs: Var[]) => Var,
  withRegistry: Registry = registry,
): BuiltProgram {
  const block = new Program().globalBlock();
  const inputs = specs.map((spec, i) =>
    block.createVar({ name: `x${i}`, shape: spec.shape, dtype: spec.dtype ?? dtype, isData: true, stopGradient: false }),
  );
  const output = build(new Builder(block, withRegistry), ...inputs);
  return { block, inputs, output };
}

/** Runs `block` on the CPU backend with `feed` and returns the values of `fetch`. */
export function runOnCpu(
  block: Block,
  feed: ReadonlyMap<string, NDArray>,
  fetch: readonly Var[],
  withRegistry: Registry = registry,
): NDArray[] {
  const result = new CPUPlace().run({ block, registry: withRegistry, scope: new Scope(), feed, fetch });
  if (result instanceof Promise) throw new Error('CPUPlace.run returned a promise; these tests expect synchronous results.');
  return result;
}

/** Relative and absolute tolerances for float results; int32 and bool must match exactly. */
export const TOLERANCES: Readonly<Record<DType, { rtol: number; atol: number }>> = {
  float64: { rtol: 1e-12, atol: 1e-15 },
  float32: { rtol: 1e-5, atol: 1e-6 },
  int32: { rtol: 0, atol: 0 },
  bool: { rtol: 0, atol: 0 },
};

/**
 * Returns a description of the first mismatch between `actual` and `expected`, or null when they
 * agree: same dtype and shape, values within the dtype's tolerance, NaN where NaN is expected.
 */
export function findMismatch(actual: NDArray, expected: NDArray): string | null {
  if (actual.dtype !== expected.dtype || formatShape(actual.shape) !== formatShape(expected.shape)) {
    return `got ${actual.dtype}${formatShape(actual.shape)}, expected ${expected.dtype}${formatShape(expected.shape)}`;
  }
  const { rtol, atol } = TOLERANCES[expected.dtype];
  for (let i = 0; i < expected.size; i++) {
    const a = actual.data[i]!;
    const e = expected.data[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= rtol * Math.max(Math.abs(a), Math.abs(e)) + atol)) {
      return `element ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`;
    }
  }
  return null;
}
