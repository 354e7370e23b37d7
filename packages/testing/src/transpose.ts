import { NDArray, type Block, type Registry, type Var } from '@primgrad/ir';
import { linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import { compareInto, emptyComparison, type Comparison } from './compare.js';
import { randomArray, uniform } from './random.js';
import { ConformanceError, summarize, type CheckReport, type Projection, type Tolerance } from './report.js';
import { buildOpProgram, runBlock } from './run.js';
import { prepareSpec, ruleUses, type OpCheckSpec } from './spec.js';

/**
 * Above this many tangent elements, a failing check skips the per-element search for the worst
 * element of Jᵀȳ, which runs the JVP program once per element.
 */
const MAX_ELEMENTWISE = 1024;

interface InnerProduct {
  sum: number;
  /** The sum of the absolute values of the products: the scale that rounding error grows with. */
  absSum: number;
}

function accumulate(into: InnerProduct, term: InnerProduct): void {
  into.sum += term.sum;
  into.absSum += term.absSum;
}

function dot(a: NDArray, b: NDArray): InnerProduct {
  let sum = 0;
  let absSum = 0;
  for (let i = 0; i < a.size; i++) {
    const p = a.data[i]! * b.data[i]!;
    sum += p;
    absSum += Math.abs(p);
  }
  return { sum, absSum };
}

/** Lists the types of the ops that read a var depending on `sources`, in block order. */
export function linearOpTypes(block: Block, sources: readonly Var[]): string[] {
  const linear = new Set<Var>(sources);
  const types: string[] = [];
  for (const op of block.ops) {
    if (!op.inputs.some((v) => linear.has(v))) continue;
    types.push(op.type);
    for (const o of op.outputs) linear.add(o);
  }
  return types;
}

/**
 * Checks the transpose rules that linearizing `spec.op` relies on, with the projection identity
 * ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩ for random ẋ and ȳ: J ẋ comes from the linearized program, Jᵀ ȳ from the
 * same program after transpose. Both run on the CPU backend after prim2orig. A native op is
 * lowered with orig2prim first. The identity must hold to `tol.rtol` (1e-10 when absent)
 * relative to the sum of the absolute values of the products. On failure the report names the
 * worst element of Jᵀ ȳ, found by pushing each basis tangent through the linearized program.
 * Throws ConformanceError on failure unless `throwOnFailure` is false; returns the report either way.
 */
export function checkTranspose(registry: Registry, spec: OpCheckSpec): CheckReport {
  const prepared = prepareSpec(registry, spec, 'checkTranspose');
  const { rng, wrt, primals } = prepared;
  const tolerance: Tolerance = {
    rtol: spec.tol?.rtol ?? (prepared.float32 ? 1e-4 : 1e-10),
    atol: spec.tol?.atol ?? 0,
  };
  const attrs = spec.attrs ?? {};

  // A native op is lowered first, so the check covers the transpose rules of its prim form.
  const native = registry.opDef(spec.op).kind === 'orig';
  const forward = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  if (native) orig2prim(forward.block, registry);
  const lin = linearize(forward.block, registry, wrt.map((i) => forward.inputs[i]!), forward.outputs);
  prim2orig(forward.block, registry);
  const jvpOutputs = lin.ysDot.filter((v): v is Var => v !== null);

  const backward = buildOpProgram(registry, spec.op, spec.inputs, attrs, wrt);
  if (native) orig2prim(backward.block, registry);
  const loweredTypes = backward.block.ops.map((op) => op.type);
  const lin2 = linearize(backward.block, registry, wrt.map((i) => backward.inputs[i]!), backward.outputs);
  const transposedTypes = linearOpTypes(backward.block, lin2.xsDot);
  const { ysBar, xsBar } = transpose(backward.block, registry, lin2.xsDot, lin2.ysDot);
  prim2orig(backward.block, registry);
  const vjpOutputs = xsBar.filter((v): v is Var => v !== null);

  const primalFeed = (inputs: readonly Var[]): Map<Var, NDArray> => new Map(inputs.map((v, i) => [v, primals[i]!]));
  const pushForward = (tangents: readonly NDArray[]): NDArray[] => {
    const feed = primalFeed(forward.inputs);
    lin.xsDot.forEach((v, k) => feed.set(v, tangents[k]!));
    return runBlock(registry, forward.block, feed, jvpOutputs);
  };

  interface Trial {
    projection: Projection;
    passed: boolean;
    cotangents: NDArray[];
    xsBarValues: Map<Var, NDArray>;
  }
  const trials: Trial[] = [];
  for (let trial = 0; trial < prepared.trials; trial++) {
    const tangents = wrt.map((i) => randomArray(rng, spec.inputs[i]!.shape, spec.inputs[i]!.dtype, uniform(-1, 1)));
    const cotangents = jvpOutputs.map((v) => randomArray(rng, v.shape, v.dtype, uniform(-1, 1)));

    const jvpValues = pushForward(tangents);
    const feed = primalFeed(backward.inputs);
    let next = 0;
    for (const v of ysBar) if (v !== null) feed.set(v, cotangents[next++]!);
    const vjpValues = runBlock(registry, backward.block, feed, vjpOutputs);
    const xsBarValues = new Map(vjpOutputs.map((v, k) => [v, vjpValues[k]!]));

    const lhs = { sum: 0, absSum: 0 };
    jvpValues.forEach((value, k) => accumulate(lhs, dot(cotangents[k]!, value)));
    const rhs = { sum: 0, absSum: 0 };
    xsBar.forEach((v, k) => {
      if (v !== null) accumulate(rhs, dot(xsBarValues.get(v)!, tangents[k]!));
    });
    const scale = Math.max(lhs.absSum, rhs.absSum);
    const diff = Math.abs(lhs.sum - rhs.sum);
    const relError = diff === 0 ? 0 : Number.isNaN(diff) ? Infinity : diff / scale;
    const passed = diff === 0 || diff <= tolerance.atol + tolerance.rtol * scale;
    trials.push({ projection: { forward: lhs.sum, transposed: rhs.sum, relError }, passed, cotangents, xsBarValues });
  }
  // Report the failing trial with the largest error, or the largest error overall when all pass.
  const failing = trials.filter((t) => !t.passed);
  const pool = failing.length > 0 ? failing : trials;
  const worstTrial = pool.reduce((a, t) => (t.projection.relError > a.projection.relError ? t : a));

  const comparison: Comparison = emptyComparison();
  if (failing.length > 0) {
    elementwiseTranspose(comparison, wrt, spec, backward.inputs, xsBar, worstTrial, pushForward, tolerance);
  }

  const partial = {
    check: 'transpose' as const,
    op: spec.op,
    ruleKind: 'transpose' as const,
    plugin: registry.rulePlugin('transpose', spec.op),
    rules: [
      ...ruleUses(registry, 'transpose', transposedTypes),
      ...(native ? ruleUses(registry, 'orig2prim', [spec.op]) : []),
      ...ruleUses(registry, 'linearize', native ? loweredTypes.filter((t) => registry.opDef(t).kind === 'prim') : [spec.op]),
    ],
    passed: failing.length === 0,
    seed: prepared.seed,
    trials: prepared.trials,
    tolerance,
    worst: comparison.worst,
    failedElements: comparison.failedElements,
    comparedElements: comparison.comparedElements,
    projection: worstTrial.projection,
  };
  const report: CheckReport = { ...partial, summary: summarize(partial, 'Jᵀ ȳ computed from the linearized program') };
  if (!report.passed && spec.throwOnFailure !== false) throw new ConformanceError(report);
  return report;
}

/**
 * Computes (Jᵀ ȳ)_j = ⟨ȳ, J e_j⟩ element by element from the linearized program and compares it
 * with the cotangents the transposed program produced.
 */
function elementwiseTranspose(
  comparison: Comparison,
  wrt: readonly number[],
  spec: OpCheckSpec,
  inputs: readonly Var[],
  xsBar: readonly (Var | null)[],
  trial: { cotangents: NDArray[]; xsBarValues: Map<Var, NDArray> },
  pushForward: (tangents: readonly NDArray[]) => NDArray[],
  tolerance: Tolerance,
): void {
  const zeros = wrt.map((i) => NDArray.zeros(spec.inputs[i]!.dtype, spec.inputs[i]!.shape));
  const total = zeros.reduce((n, a) => n + a.size, 0);
  // NOTE: above MAX_ELEMENTWISE elements the report keeps only the projection, with no worst element.
  if (total > MAX_ELEMENTWISE) return;
  wrt.forEach((i, k) => {
    const expected = NDArray.zeros(zeros[k]!.dtype, zeros[k]!.shape);
    for (let j = 0; j < expected.size; j++) {
      zeros[k]!.data[j] = 1;
      const values = pushForward(zeros);
      zeros[k]!.data[j] = 0;
      expected.data[j] = values.reduce((s, value, o) => s + dot(trial.cotangents[o]!, value).sum, 0);
    }
    const bar = xsBar[k];
    const got = bar ? trial.xsBarValues.get(bar)! : NDArray.zeros(expected.dtype, expected.shape);
    // Elements near zero come out of sums that cancel, so the absolute tolerance scales with the largest element.
    let largest = 0;
    for (let j = 0; j < expected.size; j++) largest = Math.max(largest, Math.abs(expected.data[j]!));
    const elementTolerance = { rtol: tolerance.rtol, atol: Math.max(tolerance.atol, tolerance.rtol * largest) };
    compareInto(comparison, `cotangent of input ${i} ('${inputs[i]!.name}')${bar ? '' : ' (a symbolic zero)'}`, got, expected, elementTolerance);
  });
}
