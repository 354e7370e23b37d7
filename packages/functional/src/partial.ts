/**
 * @file Partial evaluation. A linearized program splits into a primal part (every op that does
 * not depend on the linear inputs) and a linear part. The primal part runs once per point and
 * returns the outputs and the residuals that the linear part reads. The linear part then runs
 * as often as needed, batched, with the residuals fed as data.
 */
import { NDArray, Op, Program, type Block, type TensorType, type Var } from '@primgrad/ir';
import { eliminateCommonSubexpressions, eliminateDeadCode, prim2orig } from '@primgrad/transforms';
import { batchBlock, type BatchRule, type BatchedProgram } from './batch.js';
import { runBlock, type Context } from './context.js';
import { buildPrimPipeline, dependentsOf, pipelineOutputs, type Mode } from './pipeline.js';
import type { TracedFunction } from './trace.js';

/** A trace split for one mode into a primal program of native ops and a linear program of prims. */
export interface SplitLinearization {
  readonly mode: Mode;
  readonly primal: {
    readonly block: Block;
    readonly xs: readonly Var[];
    readonly ys: readonly Var[];
    /** Values the linear part reads, in the order the primal run fetches them. */
    readonly residuals: readonly Var[];
  };
  readonly linear: {
    readonly program: Program;
    readonly block: Block;
    readonly residuals: readonly Var[];
    readonly inputs: readonly Var[];
    readonly outputs: readonly (Var | null)[];
  };
  /** Batched native programs, per set of extra batching rules and batch size. */
  readonly batched: WeakMap<object, Map<number, BatchedProgram>>;
}

/** Returns the split of `traced` for `mode`, building it on first use. */
export function splitLinearization(traced: TracedFunction, ctx: Context, mode: Mode): SplitLinearization {
  const key = `split:${mode}`;
  const cached = traced.derived.get(key) as SplitLinearization | undefined;
  if (cached) return cached;
  const split = buildSplit(traced, ctx, mode);
  traced.derived.set(key, split);
  return split;
}

function buildSplit(traced: TracedFunction, ctx: Context, mode: Mode): SplitLinearization {
  const pipeline = buildPrimPipeline(traced, ctx.registry, mode);
  const { block } = pipeline;
  // Rules emit the same constants and residuals many times over; merge them before the split.
  eliminateCommonSubexpressions(block, pipelineOutputs(pipeline));
  const dependent = dependentsOf(block.ops, pipeline.linearInputs);
  const linearOps = block.ops.filter((op) => op.inputs.some((v) => dependent.has(v)));

  const residuals: Var[] = [];
  const seen = new Set<Var>();
  for (const op of linearOps) {
    for (const v of op.inputs) {
      if (!dependent.has(v) && !seen.has(v)) {
        seen.add(v);
        residuals.push(v);
      }
    }
  }

  // The linear program: residuals and linear inputs are data, ops are copied with their var names.
  const program = new Program();
  const linearBlock = program.globalBlock();
  const map = new Map<Var, Var>();
  const copyVar = (v: Var, isData: boolean): Var => {
    const copy = linearBlock.createVar({ name: v.name, shape: v.shape, dtype: v.dtype, isData });
    map.set(v, copy);
    return copy;
  };
  const linearResiduals = residuals.map((v) => copyVar(v, true));
  const linearInputs = pipeline.linearInputs.map((v) => copyVar(v, true));
  for (const op of linearOps) {
    const outputs = op.outputs.map((v) => copyVar(v, false));
    linearBlock.appendOp(new Op(op.type, op.inputs.map((v) => map.get(v)!), outputs, op.attrs));
  }
  const linearOutputs = pipeline.linearOutputs.map((v) => (v ? map.get(v)! : null));

  // The primal program: what is left, cut down to the outputs and residuals, raised to native ops.
  block.removeOps(new Set(linearOps));
  for (const v of pipeline.linearInputs) block.vars.delete(v.name);
  eliminateDeadCode(block, [...pipeline.ys, ...residuals]);
  prim2orig(block, ctx.registry);

  return {
    mode,
    primal: { block, xs: pipeline.xs, ys: pipeline.ys, residuals },
    linear: { program, block: linearBlock, residuals: linearResiduals, inputs: linearInputs, outputs: linearOutputs },
    batched: new WeakMap(),
  };
}

const NO_EXTRA_RULES: Readonly<Record<string, BatchRule>> = Object.freeze({});

/** Returns the native program that pushes `size` stacked linear inputs through the linear part. */
export function batchedProgram(split: SplitLinearization, ctx: Context, size: number): BatchedProgram {
  const rules = Object.keys(ctx.batchRules).length > 0 ? ctx.batchRules : NO_EXTRA_RULES;
  let bySize = split.batched.get(rules);
  if (!bySize) {
    bySize = new Map();
    split.batched.set(rules, bySize);
  }
  let batched = bySize.get(size);
  if (!batched) {
    const { linear } = split;
    const live = linear.outputs.filter((v): v is Var => v !== null);
    batched = batchBlock(linear.block, ctx.registry, linear.residuals, linear.inputs, live, size, rules);
    prim2orig(batched.block, ctx.registry);
    bySize.set(size, batched);
  }
  return batched;
}

/**
 * A function linearized at one point: the primal part has run, and `apply` pushes batches of
 * tangents (forward mode) or cotangents (reverse mode) through the linear part, one execution each.
 */
export class Linearization {
  readonly ys: NDArray[];
  private readonly residualValues = new Map<string, NDArray>();

  constructor(
    readonly split: SplitLinearization,
    private readonly ctx: Context,
    xs: readonly NDArray[],
  ) {
    const { primal } = split;
    const feed = new Map(primal.xs.map((v, i) => [v.name, xs[i]!] as const));
    const values = runBlock(ctx, primal.block, feed, [...primal.ys, ...primal.residuals]);
    this.ys = values.slice(0, primal.ys.length);
    primal.residuals.forEach((v, i) => this.residualValues.set(v.name, values[primal.ys.length + i]!));
  }

  /** The types of the linear inputs: the xs for forward mode, the ys for reverse mode. */
  get inputTypes(): readonly TensorType[] {
    return this.split.linear.inputs;
  }

  /** The types of the linear outputs: the ys for forward mode, the xs for reverse mode. */
  get outputTypes(): readonly TensorType[] {
    return this.split.mode === 'forward' ? this.split.primal.ys : this.split.primal.xs;
  }

  /**
   * Pushes `size` linear inputs at once: `stacked[i]` contains them for input i, with shape
   * [size, ...shape of input i]. Returns one array per linear output, of shape [size, ...shape];
   * outputs that are symbolic zeros come back as zeros without running anything for them.
   */
  apply(stacked: readonly NDArray[], size: number): NDArray[] {
    const { linear } = this.split;
    const zeros = (t: TensorType): NDArray => NDArray.zeros(t.dtype, [size, ...t.shape]);
    if (linear.outputs.every((v) => v === null)) return this.outputTypes.map(zeros);
    const program = batchedProgram(this.split, this.ctx, size);
    const feed = new Map(this.residualValues);
    program.inputs.forEach((v, i) => feed.set(v.name, stacked[i]!));
    const values = runBlock(this.ctx, program.block, feed, program.outputs);
    let next = 0;
    return linear.outputs.map((v, i) => (v === null ? zeros(this.outputTypes[i]!) : values[next++]!));
  }
}
