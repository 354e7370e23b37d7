import { ArgumentError, NDArray, isFloatDType, type Block, type Registry, type Var } from '@primgrad/ir';
import { backward, linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { compareInto, emptyComparison } from './compare.js';
import { primTypesOf } from './orig2prim.js';
import { randomArray, uniform } from './random.js';
import { ConformanceError, summarize, type CheckReport, type Tolerance } from './report.js';
import { buildOpProgram, runBlock } from './run.js';
import { linearOpTypes } from './transpose.js';
import { prepareSpec, requireOpKind, resolveTolerance, ruleUses, type OpCheckSpec } from './spec.js';

/** Creates one data var per output to hold that output's cotangent. */
export function cotangentVars(block: Block, outputs: readonly Var[]): Var[] {
  return outputs.map((o) => block.createVar({ shape: o.shape, dtype: o.dtype, isData: true }, `${o.name}_bar`));
}

/** Returns the float outputs of a one-op program, or throws when the op has none to differentiate. */
export function floatOutputs(check: string, op: string, outputs: readonly Var[]): Var[] {
  const floats = outputs.filter((o) => isFloatDType(o.dtype));
  if (floats.length === 0) {
    throw new ArgumentError(`${check}(${op}): '${op}' has no float output, so it has no derivative to check.`);
  }
  return floats;
}

/** Requires a native op that carries a derivative. */
function requireDifferentiableNative(registry: Registry, spec: OpCheckSpec, check: string): void {
  requireOpKind(registry, spec, check, 'orig', "a prim has no vjp rule; check its transpose rule with checkTranspose.");
  if (registry.opDef(spec.op).differentiable === false) {
    throw new ArgumentError(`${check}(${spec.op}): '${spec.op}' is not differentiable (differentiable: false), so it has no vjp rule to check.`);
  }
}

/**
 * Checks the vjp rule of the native op `spec.op` against the prim mechanism. The vjp side runs
 * `backward` on the one-op program, so the op's vjp rule computes the input cotangents. The
 * prim side lowers the same program with orig2prim, linearizes and transposes it, and raises it
 * with prim2orig. Both sides get the same random output cotangents at one primal point. Their
 * input cotangents must agree to `tol`: rtol is 1e-10 in float64 and 1e-4 when an input is
 * float32. Elements near zero come out of sums that cancel, so atol defaults to rtol times the
 * largest element. Throws ConformanceError on failure unless `throwOnFailure` is false;
 * returns the report either way.
 */
export function checkVjp(registry: Registry, spec: OpCheckSpec): CheckReport {
  requireDifferentiableNative(registry, spec, 'checkVjp');
  const prepared = prepareSpec(registry, spec, 'checkVjp');
  const { rng, wrt, primals } = prepared;
  const attrs = spec.attrs ?? {};
  const defaults = resolveTolerance(spec, prepared.float32, { float64: { rtol: 1e-10, atol: 0 }, float32: { rtol: 1e-4, atol: 0 } });

  const vjpSide = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  const vjpTargets = floatOutputs('checkVjp', spec.op, vjpSide.outputs);
  const vjpCts = cotangentVars(vjpSide.block, vjpTargets);
  const vjpBars = backward(vjpSide.block, registry, vjpTargets, wrt.map((i) => vjpSide.inputs[i]!), { targetGradients: vjpCts });

  const primSide = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  orig2prim(primSide.block, registry);
  const lowered = primTypesOf(registry, primSide.block.ops.map((op) => op.type));
  const primTargets = floatOutputs('checkVjp', spec.op, primSide.outputs);
  const primCts = cotangentVars(primSide.block, primTargets);
  const lin = linearize(primSide.block, registry, wrt.map((i) => primSide.inputs[i]!), primTargets);
  const linearTypes = linearOpTypes(primSide.block, lin.xsDot);
  const { xsBar: primBars } = transpose(primSide.block, registry, lin.xsDot, lin.ysDot, { ysBar: primCts });
  const transposedPrims = primTypesOf(registry, primSide.block.ops.map((op) => op.type));
  prim2orig(primSide.block, registry);

  const comparison = emptyComparison();
  for (let trial = 0; trial < prepared.trials; trial++) {
    const cotangents = vjpTargets.map((o) => randomArray(rng, o.shape, o.dtype, uniform(-1, 1)));

    const vjpFeed = new Map<Var, NDArray>(vjpSide.inputs.map((v, i) => [v, primals[i]!]));
    vjpCts.forEach((v, k) => vjpFeed.set(v, cotangents[k]!));
    const vjpFetch = vjpBars.filter((v): v is Var => v !== null);
    const vjpValues = new Map(zip(vjpFetch, runBlock(registry, vjpSide.block, vjpFeed, vjpFetch)));

    const primFeed = new Map<Var, NDArray>(primSide.inputs.map((v, i) => [v, primals[i]!]));
    primCts.forEach((v, k) => primFeed.set(v, cotangents[k]!));
    // A tangent placeholder that transpose kept (still read by a primal op) carries no value here.
    for (const d of lin.xsDot) if (primSide.block.vars.get(d.name) === d) primFeed.set(d, NDArray.zeros(d.dtype, d.shape));
    const primFetch = primBars.filter((v): v is Var => v !== null);
    const primValues = new Map(zip(primFetch, runBlock(registry, primSide.block, primFeed, primFetch)));

    wrt.forEach((i, k) => {
      const input = vjpSide.inputs[i]!;
      const got = valueOrZeros(vjpBars[k] ?? null, vjpValues, input);
      const expected = valueOrZeros(primBars[k] ?? null, primValues, input);
      const tolerance = scaledTolerance(defaults, expected, spec.tol?.atol);
      const zero = vjpBars[k] ? '' : ' (a symbolic zero)';
      compareInto(comparison, `cotangent of input ${i} ('${input.name}')${zero}`, got, expected, tolerance);
    });
  }

  const partial = {
    check: 'vjp' as const,
    op: spec.op,
    ruleKind: 'vjp' as const,
    plugin: registry.rulePlugin('vjp', spec.op),
    rules: [
      ...ruleUses(registry, 'vjp', [spec.op]),
      ...ruleUses(registry, 'orig2prim', [spec.op]),
      ...ruleUses(registry, 'linearize', lowered),
      ...ruleUses(registry, 'transpose', primTypesOf(registry, linearTypes)),
      ...ruleUses(registry, 'prim2orig', transposedPrims),
    ],
    passed: comparison.failedElements === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance: defaults,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
  };
  const report: CheckReport = { ...partial, summary: summarize(partial, 'the prim mechanism (orig2prim, linearize, transpose, prim2orig)') };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}

function zip<A, B>(a: readonly A[], b: readonly B[]): [A, B][] {
  return a.map((x, i) => [x, b[i]!]);
}

/** Returns the fetched value of a cotangent var, or zeros of the input's type for a symbolic zero. */
export function valueOrZeros(bar: Var | null, values: ReadonlyMap<Var, NDArray>, like: Var): NDArray {
  return bar ? values.get(bar)! : NDArray.zeros(like.dtype, like.shape);
}

/** Widens `atol` to rtol times the largest element of `expected`, unless the caller set atol. */
export function scaledTolerance(base: Tolerance, expected: NDArray, callerAtol: number | undefined): Tolerance {
  if (callerAtol !== undefined) return base;
  let largest = 0;
  for (let j = 0; j < expected.size; j++) largest = Math.max(largest, Math.abs(expected.data[j]!));
  return { rtol: base.rtol, atol: Math.max(base.atol, base.rtol * largest) };
}
