import {
  Builder,
  NDArray,
  Program,
  createRegistry,
  isFloatDType,
  type Block,
  type DType,
  type Shape,
  type Var,
} from '@primgrad/ir';
import { backendCpuPlugin } from '@primgrad/backend-cpu';
import { linearizeRulesPlugin } from '@primgrad/linearize-rules';
import { orig2primRulesPlugin } from '@primgrad/orig2prim-rules';
import { origOpsPlugin } from '@primgrad/orig-ops';
import { primOpsPlugin } from '@primgrad/prim-ops';
import { createRng, randomArray, runBlock, uniform, type Rng, type Sampler } from '@primgrad/testing';
import { backward } from '@primgrad/transforms';
import { transposeRulesPlugin } from '@primgrad/transpose-rules';
import { vjpRulesPlugin } from '../src/index.js';

/** Every plugin both mechanisms need, so one registry serves the vjp and the prim checks. */
export const registry = createRegistry([
  origOpsPlugin,
  vjpRulesPlugin,
  backendCpuPlugin,
  primOpsPlugin,
  orig2primRulesPlugin,
  linearizeRulesPlugin,
  transposeRulesPlugin,
]);

export interface InputSpec {
  readonly shape: Shape;
  /** float64 unless given. */
  readonly dtype?: DType;
  /** Element values; uniform in [-1, 1) unless given. */
  readonly sampler?: Sampler;
  /** Whether a cotangent is requested for this input; true for float inputs unless given. */
  readonly differentiable?: boolean;
}

/** One row of the gradient tables: a program of one native op (or a short chain) on data vars. */
export interface GradCase {
  readonly name: string;
  readonly inputs: readonly InputSpec[];
  readonly build: (b: Builder, ...inputs: Var[]) => Var;
}

export function isDifferentiable(spec: InputSpec): boolean {
  return spec.differentiable ?? isFloatDType(spec.dtype ?? 'float64');
}

export interface BuiltCase {
  readonly block: Block;
  readonly inputs: Var[];
  /** The inputs that get a cotangent, in order. */
  readonly diffInputs: Var[];
  readonly out: Var;
  /** The cotangent of `out`, a data var. */
  readonly outBar: Var;
}

/** Builds `c` into a fresh program: data vars for its inputs and for the output cotangent. */
export function buildCase(c: GradCase): BuiltCase {
  const program = new Program();
  const block = program.globalBlock();
  const inputs = c.inputs.map((spec, i) =>
    block.createVar({ name: `in${i}`, shape: spec.shape, dtype: spec.dtype ?? 'float64', isData: true, stopGradient: false }),
  );
  const out = c.build(new Builder(block, registry), ...inputs);
  const outBar = block.createVar({ name: 'out_bar', shape: out.shape, dtype: out.dtype, isData: true });
  const diffInputs = inputs.filter((_, i) => isDifferentiable(c.inputs[i]!));
  return { block, inputs, diffInputs, out, outBar };
}

/** Draws values for a case's inputs, seeded by the case name so every run draws the same. */
export function sampleInputs(c: GradCase, rng: Rng): NDArray[] {
  return c.inputs.map((spec) => {
    const dtype = spec.dtype ?? 'float64';
    return randomArray(rng, spec.shape, dtype, spec.sampler ?? (dtype === 'bool' ? undefined : uniform(-1, 1)));
  });
}

export function rngFor(name: string): Rng {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return createRng(hash);
}

export function randomLike(rng: Rng, v: { shape: Shape; dtype: DType }): NDArray {
  return randomArray(rng, v.shape, v.dtype, uniform(-1, 1));
}

export function feedOf(vars: readonly Var[], values: readonly NDArray[]): Map<Var, NDArray> {
  return new Map(vars.map((v, i) => [v, values[i]!]));
}

export function run(block: Block, feed: Map<Var, NDArray>, fetch: readonly Var[]): NDArray[] {
  return runBlock(registry, block, feed, fetch);
}

/** Sum of a[i] · b[i], and the sum of |a[i] · b[i]|, the scale its rounding error is relative to. */
export function dot(a: NDArray, b: NDArray): { value: number; scale: number } {
  let value = 0;
  let scale = 0;
  for (let i = 0; i < a.size; i++) {
    const p = a.data[i]! * b.data[i]!;
    value += p;
    scale += Math.abs(p);
  }
  return { value, scale };
}

/** x + t · d, elementwise. */
export function axpy(x: NDArray, t: number, d: NDArray): NDArray {
  const out = NDArray.zeros(x.dtype, x.shape);
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[i]! + t * d.data[i]!;
  return out;
}

/** Appends the vjp mechanism's backward pass for `built` and returns the input cotangents. */
export function appendBackward(built: BuiltCase): (Var | null)[] {
  return backward(built.block, registry, [built.out], built.diffInputs, { targetGradients: [built.outBar] });
}

export const fmt = (shape: Shape): string => `[${shape.join(',')}]`;
