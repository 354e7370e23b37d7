import {
  Builder,
  NDArray,
  Program,
  Scope,
  type Attrs,
  type Block,
  type DType,
  type NestedArray,
  type Registry,
  type Shape,
  type Var,
} from '@primgrad/ir';
import { CPUPlace } from '@primgrad/backend-cpu';

/** Values to feed, by var or by var name. Nested arrays are converted to the var's dtype. */
export type Feed = ReadonlyMap<Var | string, NDArray | NestedArray> | Readonly<Record<string, NDArray | NestedArray>>;

export interface RunOptions {
  /** Scope for persistable vars; a fresh empty one when absent. */
  readonly scope?: Scope;
}

/**
 * Runs `block` (native ops only: run prim2orig on a block of prims first) on the CPU backend
 * of `registry` and returns the values of `fetch`, in order.
 */
export function runBlock(registry: Registry, block: Block, feed: Feed, fetch: readonly Var[], options: RunOptions = {}): NDArray[] {
  const feedMap = new Map<string, NDArray>();
  const entries: [Var | string, NDArray | NestedArray][] = feed instanceof Map ? [...feed.entries()] : Object.entries(feed);
  for (const [key, value] of entries) {
    const v = typeof key === 'string' ? block.var(key) : key;
    feedMap.set(v.name, value instanceof NDArray ? value : NDArray.from(value, v.dtype, v.shape));
  }
  return new CPUPlace().run({ block, registry, scope: options.scope ?? new Scope(), feed: feedMap, fetch });
}

/** The static type of one input of a one-op program. */
export interface InputType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A program holding a single op on data vars. */
export interface OpProgram {
  readonly program: Program;
  readonly block: Block;
  /** The op's inputs: data vars, one per entry of `inputs`. */
  readonly inputs: Var[];
  readonly outputs: Var[];
}

/**
 * Builds a program of one `op` applied to new data vars of the given types. Inputs listed in
 * `differentiable` get stopGradient false, so transforms treat them as differentiable.
 */
export function buildOpProgram(
  registry: Registry,
  op: string,
  inputs: readonly InputType[],
  attrs: Attrs = {},
  differentiable: readonly number[] = [],
): OpProgram {
  const program = new Program();
  const block = program.globalBlock();
  const def = registry.opDef(op);
  const vars = inputs.map((t, i) => {
    const name = def.inputs[Math.min(i, def.inputs.length - 1)] ?? 'in';
    return block.createVar(
      { shape: t.shape, dtype: t.dtype, isData: true, stopGradient: !differentiable.includes(i) },
      name,
    );
  });
  const outputs = new Builder(block, registry).emit(op, vars, attrs);
  return { program, block, inputs: vars, outputs };
}
