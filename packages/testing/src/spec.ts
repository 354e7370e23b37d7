import {
  ArgumentError,
  NDArray,
  isFloatDType,
  shapesEqual,
  formatShape,
  type Attrs,
  type NestedArray,
  type OpKind,
  type Registry,
  type RuleKind,
} from '@primgrad/ir';
import { createRng, randomArray, type Rng, type Sampler } from './random.js';
import type { RuleUse, Tolerance } from './report.js';
import type { InputType } from './run.js';

/** One input of the op under test: its type and how to choose its primal value. */
export interface OperandSpec extends InputType {
  /** The sampler of each element. Keep it away from points where the op is not differentiable. */
  readonly sample?: Sampler;
  /** A fixed primal value instead of a random one. */
  readonly value?: NDArray | NestedArray;
}

/** A one-op program to check, and how to check it. */
export interface OpCheckSpec {
  readonly op: string;
  readonly inputs: readonly OperandSpec[];
  readonly attrs?: Attrs;
  /** Inputs to differentiate with respect to; every float input when absent. */
  readonly wrt?: readonly number[];
  /** Seed of every random draw (primals, tangents, cotangents); 0 when absent. */
  readonly seed?: number;
  readonly tol?: Partial<Tolerance>;
  /**
   * Number of random draws; 2 when absent. Checks of derivatives draw tangents and cotangents at
   * one primal point; checkOrig2Prim and checkPrim2Orig draw new primal values each time.
   */
  readonly trials?: number;
  /** Whether a failing check throws ConformanceError (true, the default) or returns its report (false). */
  readonly throwOnFailure?: boolean;
}

/** The resolved parts of a spec shared by every check. */
export interface PreparedSpec {
  readonly rng: Rng;
  readonly seed: number;
  readonly wrt: readonly number[];
  readonly primals: NDArray[];
  readonly trials: number;
  readonly float32: boolean;
}

/** Validates `spec` and draws its primal values. */
export function prepareSpec(registry: Registry, spec: OpCheckSpec, check: string): PreparedSpec {
  registry.opDef(spec.op);
  const seed = spec.seed ?? 0;
  const rng = createRng(seed);
  const wrt = spec.wrt ?? spec.inputs.flatMap((t, i) => (isFloatDType(t.dtype) ? [i] : []));
  for (const i of wrt) {
    const t = spec.inputs[i];
    if (!t || !isFloatDType(t.dtype)) {
      throw new ArgumentError(
        `${check}(${spec.op}): wrt lists input ${i}, which is ${t ? `${t.dtype}, not a float` : 'missing'}; ` +
          'list float inputs only.',
      );
    }
  }
  const primals = spec.inputs.map((t, i) => {
    if (t.value === undefined) return randomArray(rng, t.shape, t.dtype, t.sample);
    const a = NDArray.from(t.value, t.dtype);
    if (!shapesEqual(a.shape, t.shape)) {
      throw new ArgumentError(
        `${check}(${spec.op}): the value of input ${i} has shape ${formatShape(a.shape)}, but the spec gives ${formatShape(t.shape)}.`,
      );
    }
    return a;
  });
  const trials = spec.trials ?? 2;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new ArgumentError(`${check}(${spec.op}): trials must be a positive integer, got ${trials}.`);
  }
  const float32 = wrt.some((i) => spec.inputs[i]!.dtype === 'float32');
  return { rng, seed, wrt, primals, trials, float32 };
}

/** Lists the distinct op types among `types` with the plugin that registered their `ruleKind` rule. */
export function ruleUses(registry: Registry, ruleKind: RuleKind, types: Iterable<string>): RuleUse[] {
  return [...new Set(types)].map((op) => ({ op, ruleKind, plugin: registry.rulePlugin(ruleKind, op) }));
}

/**
 * Draws primal values for one more trial: inputs with a fixed `value` keep it, the others are
 * drawn again with their samplers.
 */
export function redrawPrimals(rng: Rng, spec: OpCheckSpec, fixed: readonly NDArray[]): NDArray[] {
  return spec.inputs.map((t, i) => (t.value === undefined ? randomArray(rng, t.shape, t.dtype, t.sample) : fixed[i]!));
}

/**
 * Resolves the tolerance of a check: the spec's values where given, else `float64` or, when any
 * input or output of the op is float32, `float32`.
 */
export function resolveTolerance(
  spec: OpCheckSpec,
  anyFloat32: boolean,
  defaults: { readonly float64: Tolerance; readonly float32: Tolerance },
): Tolerance {
  const base = anyFloat32 ? defaults.float32 : defaults.float64;
  return { rtol: spec.tol?.rtol ?? base.rtol, atol: spec.tol?.atol ?? base.atol };
}

/** Throws ArgumentError unless `spec.op` is of `kind`, naming the check and what to use instead. */
export function requireOpKind(registry: Registry, spec: OpCheckSpec, check: string, kind: OpKind, instead: string): void {
  const def = registry.opDef(spec.op);
  if (def.kind !== kind) {
    const kindName = (k: OpKind): string => (k === 'orig' ? 'a native op' : 'a prim');
    throw new ArgumentError(`${check}(${spec.op}): '${spec.op}' is ${kindName(def.kind)}, but ${check} takes ${kindName(kind)}; ${instead}`);
  }
}
