/**
 * @file The prim pipeline shared by every functional API: copy a trace, lower it to prims,
 * linearize it, and for reverse mode transpose the linear part. Also the symbolic form of jvp
 * and vjp that traced functions inline, so derivatives compose.
 */
import { eliminateCommonSubexpressions, eliminateDeadCode, linearize, orig2prim, prim2orig, transpose } from '@primgrad/transforms';
import type { Block, Op, Program, Registry, Var } from '@primgrad/ir';
import { cloneBlock, type TracedFunction } from './trace.js';

/** forward: tangents of the inputs to tangents of the outputs. reverse: cotangents of the outputs to cotangents of the inputs. */
export type Mode = 'forward' | 'reverse';

/** A linearized (and for reverse mode, transposed) copy of a trace, as prims. */
export interface PrimPipeline {
  readonly program: Program;
  readonly block: Block;
  /** The primal inputs and outputs. */
  readonly xs: readonly Var[];
  readonly ys: readonly Var[];
  /** The data vars the derivative is linear in: one tangent per x (forward) or one cotangent per y (reverse). */
  readonly linearInputs: readonly Var[];
  /** One tangent per y (forward) or one cotangent per x (reverse); null for a symbolic zero. */
  readonly linearOutputs: readonly (Var | null)[];
}

/** The vars computed from `sources` by `ops`, the sources included. */
export function dependentsOf(ops: readonly Op[], sources: readonly Var[]): Set<Var> {
  const dependent = new Set<Var>(sources);
  for (const op of ops) {
    if (op.inputs.some((v) => dependent.has(v))) for (const o of op.outputs) dependent.add(o);
  }
  return dependent;
}

/** Builds the prim pipeline of `traced` for `mode` on a fresh copy; the trace itself is never changed. */
export function buildPrimPipeline(traced: TracedFunction, registry: Registry, mode: Mode): PrimPipeline {
  const { program, block, map } = cloneBlock(traced.program.globalBlock());
  const xs = traced.inputs.map((v) => map.get(v)!);
  const ys = traced.outputs.map((v) => map.get(v)!);
  orig2prim(block, registry);
  const { xsDot, ysDot } = linearize(block, registry, xs, ys);
  // A linear map sends nothing to a constant other than 0, so a tangent that does not depend on
  // the input tangents (a rule may return a zero constant) is a symbolic zero.
  const fromTangents = dependentsOf(block.ops, xsDot);
  const ysDotLive = ysDot.map((d) => (d && fromTangents.has(d) ? d : null));
  if (mode === 'forward') return { program, block, xs, ys, linearInputs: xsDot, linearOutputs: ysDotLive };

  const ysBar = ys.map((y) =>
    block.createVar({ name: program.uniqueName(`${y.name}_bar`, { bareFirst: true }), shape: y.shape, dtype: y.dtype, isData: true }),
  );
  const { xsBar } = transpose(block, registry, xsDot, ysDotLive, { ysBar });
  const fromCotangents = dependentsOf(block.ops, ysBar);
  return {
    program,
    block,
    xs,
    ys,
    linearInputs: ysBar,
    linearOutputs: xsBar.map((d) => (d && fromCotangents.has(d) ? d : null)),
  };
}

/** Lists the vars a caller reads from a pipeline's block: the outputs and the non-zero derivatives. */
export function pipelineOutputs(pipeline: PrimPipeline): Var[] {
  return [...pipeline.ys, ...pipeline.linearOutputs.filter((v): v is Var => v !== null)];
}

/** A derivative program of native ops, with the primal inputs and the linear inputs as data vars. */
export type SymbolicDerivative = PrimPipeline;

/**
 * Returns the native program computing ys and the jvp (forward) or vjp (reverse) of `traced`
 * from xs and the tangents or cotangents, built once per trace and mode. Traced functions inline it.
 */
export function symbolicDerivative(traced: TracedFunction, registry: Registry, mode: Mode): SymbolicDerivative {
  const key = `symbolic:${mode}`;
  const cached = traced.derived.get(key) as SymbolicDerivative | undefined;
  if (cached) return cached;
  const pipeline = buildPrimPipeline(traced, registry, mode);
  eliminateCommonSubexpressions(pipeline.block, pipelineOutputs(pipeline));
  eliminateDeadCode(pipeline.block, pipelineOutputs(pipeline));
  prim2orig(pipeline.block, registry);
  traced.derived.set(key, pipeline);
  return pipeline;
}
