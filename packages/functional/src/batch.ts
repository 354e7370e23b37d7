/**
 * @file The batching transform for the linear part of a linearized program. It gives every var
 * that depends on the linear inputs (tangents or cotangents) a leading batch axis, so many
 * vectors go through the program in one execution, as matrix-shaped work. Residuals keep
 * their shapes and are broadcast where an op needs them batched.
 */
import {
  ArgumentError,
  Builder,
  PrimgradError,
  Program,
  formatShape,
  formatValue,
  isPlainTable,
  intAttr,
  intListAttr,
  shapeAttr,
  shapesEqual,
  type Block,
  type Op,
  type Registry,
  type Var,
} from '@primgrad/ir';
import { broadcastP, concatP, matmulP, padP, reduceSumP, reshapeP, sliceP, transposeP } from '@primgrad/prim-ops';

// NOTE: batching rules are not part of the plugin contract yet, because only the functional API batches
// programs. Callers pass them in options.batchRules; a later contract version can add a `batch` table.
/**
 * Emits the batched form of `op`. `inputs` are the op's inputs in the batched program; those
 * with `batched[i]` set carry a leading axis of `size`, the others have their original shapes.
 * Returns one var per output of `op`, each of shape [size, ...output shape] and the output's dtype.
 */
export type BatchRule = (b: Builder, op: Op, inputs: readonly Var[], batched: readonly boolean[], size: number) => Var[];

/** A batching rule returned vars of the wrong count, shape or dtype. */
export class BatchRuleError extends PrimgradError {
  override name = 'BatchRuleError';
  constructor(
    readonly op: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`The batching rule for '${op}' is wrong: ${detail}`, options);
  }
}

/** Brings every unbatched input to the batched shape, then applies the op itself. */
const elementwise: BatchRule = (b, op, inputs, batched, size) => {
  const args = inputs.map((v, i) => (batched[i] ? v : broadcastP(b, v, [size, ...v.shape])));
  return b.emit(op.type, args, op.attrs);
};

/** Shifts every axis attr by one, past the new batch axis. */
const shiftAxes = (axes: readonly number[]): number[] => axes.map((a) => a + 1);

const matmul: BatchRule = (b, op, [x, y], [xBatched, yBatched], size) => {
  if (xBatched && yBatched) return [matmulP(b, x!, y!)];
  const [xShape, yShape] = [op.inputs[0]!.shape, op.inputs[1]!.shape];
  if (xShape.length === 2) {
    const [m, k] = xShape as [number, number];
    const n = yShape[1]!;
    if (xBatched) {
      // [size, m, k] @ [k, n]: the batch folds into the rows of one product.
      return [reshapeP(b, matmulP(b, reshapeP(b, x!, [size * m, k]), y!), [size, m, n])];
    }
    // [m, k] @ [size, k, n]: the batch moves next to the columns, giving one [m, k] @ [k, size·n] product.
    const columns = reshapeP(b, transposeP(b, y!, [1, 0, 2]), [k, size * n]);
    return [transposeP(b, reshapeP(b, matmulP(b, x!, columns), [m, size, n]), [1, 0, 2])];
  }
  // With batch dims of their own, the unbatched operand is repeated along the new axis.
  const lhs = xBatched ? x! : broadcastP(b, x!, [size, ...x!.shape]);
  const rhs = yBatched ? y! : broadcastP(b, y!, [size, ...y!.shape]);
  return [matmulP(b, lhs, rhs)];
};

/** The batching rules of the linear prims of @primgrad/prim-ops, by prim type. */
export const batchRules: Readonly<Record<string, BatchRule>> = {
  add_p: elementwise,
  sub_p: elementwise,
  mul_p: elementwise,
  div_p: elementwise,
  neg_p: elementwise,
  select_p: elementwise,
  cast_p: elementwise,
  matmul_p: matmul,
  reshape_p: (b, op, [x], _batched, size) => [reshapeP(b, x!, [size, ...shapeAttr(op.type, op.attrs)])],
  // numpy broadcasting aligns trailing axes, so unit axes go between the batch axis and x's own axes.
  broadcast_p: (b, op, [x], _batched, size) => {
    const target = shapeAttr(op.type, op.attrs);
    const own = op.inputs[0]!.shape;
    const aligned = [size, ...new Array<number>(target.length - own.length).fill(1), ...own];
    const source = shapesEqual(aligned, x!.shape) ? x! : reshapeP(b, x!, aligned);
    return [broadcastP(b, source, [size, ...target])];
  },
  transpose_p: (b, op, [x]) => [transposeP(b, x!, [0, ...shiftAxes(intListAttr(op.type, op.attrs, 'perm'))])],
  reduce_sum_p: (b, op, [x]) => [reduceSumP(b, x!, shiftAxes(intListAttr(op.type, op.attrs, 'axis')), op.attrs.keepdim === true)],
  concat_p: (b, op, inputs, batched, size) => {
    const parts = inputs.map((v, i) => (batched[i] ? v : broadcastP(b, v, [size, ...v.shape])));
    return [concatP(b, parts, intAttr(op.type, op.attrs, 'axis') + 1)];
  },
  // The batch axis is kept whole: start 0, end size, step 1.
  slice_p: (b, op, [x], _batched, size) => {
    const bounds = (name: string): number[] => intListAttr(op.type, op.attrs, name);
    return [sliceP(b, x!, [0, ...bounds('starts')], [size, ...bounds('ends')], [1, ...bounds('steps')])];
  },
  // The batch axis gets no padding.
  pad_p: (b, op, [x]) => {
    const counts = (name: string): number[] => [0, ...intListAttr(op.type, op.attrs, name)];
    return [padP(b, x!, counts('before'), counts('after'), counts('interior'))];
  },
};

/** Element `index` of the batch axis of `v`, without that axis. */
function takeElement(b: Builder, v: Var, index: number): Var {
  const [, ...shape] = v.shape;
  const element = sliceP(b, v, [index, ...shape.map(() => 0)], [index + 1, ...shape], v.shape.map(() => 1));
  return reshapeP(b, element, shape);
}

/** Stacks `parts` along a new leading batch axis. */
function stack(b: Builder, parts: readonly Var[]): Var {
  return concatP(b, parts.map((part) => reshapeP(b, part, [1, ...part.shape])), 0);
}

/**
 * Batches an op that has no batching rule: the op is applied to each batch element in turn,
 * inside the same program, and the results are stacked.
 */
const unrollPerElement: BatchRule = (b, op, inputs, batched, size) => {
  // NOTE: this fallback emits the op `size` times. A third-party linear prim still runs in one
  // execution, but its work grows with the batch until a rule is passed in options.batchRules.
  const perElement: Var[][] = [];
  for (let index = 0; index < size; index++) {
    const args = inputs.map((v, i) => (batched[i] ? takeElement(b, v, index) : v));
    perElement.push(b.emit(op.type, args, op.attrs));
  }
  return op.outputs.map((_, j) => stack(b, perElement.map((outs) => outs[j]!)));
};

function checkBatched(op: Op, results: unknown, size: number, rule: string): Var[] {
  if (!Array.isArray(results) || results.length !== op.outputs.length) {
    throw new BatchRuleError(op.type, `${rule} returned ${Array.isArray(results) ? results.length : 'no'} var(s), the op has ${op.outputs.length} output(s).`);
  }
  results.forEach((v: Var, i) => {
    const out = op.outputs[i]!;
    const want = [size, ...out.shape];
    if (!v || !shapesEqual(v.shape, want) || v.dtype !== out.dtype) {
      throw new BatchRuleError(
        op.type,
        `${rule} returned ${v ? `${v.dtype}${formatShape(v.shape)}` : String(v)} for output ${i} ('${out.name}'), expected ${out.dtype}${formatShape(want)}.`,
      );
    }
  });
  return results as Var[];
}

const FROM_OPTIONS = 'the rule passed in options.batchRules';

/** Returns the rule that batches `type` and a description of where it comes from, for messages. */
function ruleFor(type: string, extra: Readonly<Record<string, BatchRule>>): { rule: BatchRule; source: string } {
  if (Object.hasOwn(extra, type)) return { rule: extra[type]!, source: FROM_OPTIONS };
  if (Object.hasOwn(batchRules, type)) return { rule: batchRules[type]!, source: 'the built-in rule' };
  return { rule: unrollPerElement, source: 'the per-element fallback' };
}

/**
 * Batches `op` with its rule and checks the results. An error thrown by a rule from
 * options.batchRules is wrapped so the message names the prim and where the rule came from.
 * Errors from the built-in rules and the fallback pass through, because they are primgrad's own.
 */
function runRule(b: Builder, op: Op, args: readonly Var[], flags: readonly boolean[], size: number, extra: Readonly<Record<string, BatchRule>>): Var[] {
  const { rule, source } = ruleFor(op.type, extra);
  if (source !== FROM_OPTIONS) return checkBatched(op, rule(b, op, args, flags, size), size, source);
  let results: unknown;
  try {
    results = rule(b, op, args, flags, size);
  } catch (e) {
    const thrown = e instanceof Error ? `${e.name}: ${e.message}` : formatValue(e);
    throw new BatchRuleError(
      op.type,
      `${source} threw ${thrown}. Fix the rule, or leave '${op.type}' out of batchRules to use the per-element fallback.`,
      { cause: e },
    );
  }
  return checkBatched(op, results, size, source);
}

/**
 * Checks the batching rules a caller passed in options.batchRules and returns them unchanged: a
 * plain object whose keys are prims that `registry` defines and whose values are functions.
 * `api` names the calling function in errors.
 */
export function checkBatchRules(api: string, registry: Registry, rules: unknown): Readonly<Record<string, BatchRule>> {
  if (rules === undefined) return {};
  if (!isPlainTable(rules)) {
    throw new ArgumentError(`${api}: options.batchRules must be an object mapping prim types to batching rules, such as { my_p: rule }, got ${formatValue(rules)}.`);
  }
  for (const [type, rule] of Object.entries(rules)) {
    const def = registry.hasOp(type) ? registry.opDef(type) : undefined;
    if (def?.kind !== 'prim') {
      const linear = registry
        .opTypes('prim')
        .filter((t) => (registry.opDef(t).linearIn ?? []).length > 0 && !Object.hasOwn(batchRules, t));
      const nativeNote = def ? ` ('${type}' is a native op; batching rules are for the prims it lowers to)` : '';
      throw new ArgumentError(
        `${api}: options.batchRules has the key '${type}', which is not a prim in the registry${nativeNote}. ` +
          `Check its spelling; the linear prims without a built-in batching rule are: ${linear.join(', ') || '(none)'}.`,
      );
    }
    if (typeof rule !== 'function') {
      throw new ArgumentError(
        `${api}: options.batchRules['${type}'] must be a batching rule, a function (b, op, inputs, batched, size) => Var[], ` +
          `got ${formatValue(rule)}.`,
      );
    }
  }
  return rules as Readonly<Record<string, BatchRule>>;
}

export interface BatchedProgram {
  readonly program: Program;
  readonly block: Block;
  /** The residual data vars, with their original shapes and names. */
  readonly residuals: readonly Var[];
  /** The linear input data vars, each of shape [size, ...original shape]. */
  readonly inputs: readonly Var[];
  /** The outputs, each of shape [size, ...original shape]. */
  readonly outputs: readonly Var[];
}

/**
 * Builds a batched copy of `block`, a program of prims that is linear in `inputs` and reads
 * `residuals` as data. Ops that read no batched var are copied. The others go through their
 * rule in `rules` or in the built-in rules, and are unrolled per element when neither has one.
 * Every output must depend on the inputs.
 */
export function batchBlock(
  block: Block,
  registry: Registry,
  residuals: readonly Var[],
  inputs: readonly Var[],
  outputs: readonly Var[],
  size: number,
  rules: Readonly<Record<string, BatchRule>> = {},
): BatchedProgram {
  const program = new Program();
  const target = program.globalBlock();
  const map = new Map<Var, Var>();
  const batched = new Set<Var>();
  const newResiduals = residuals.map((v) => {
    const copy = target.createVar({ name: v.name, shape: v.shape, dtype: v.dtype, isData: true });
    map.set(v, copy);
    return copy;
  });
  const newInputs = inputs.map((v) => {
    const copy = target.createVar({ name: v.name, shape: [size, ...v.shape], dtype: v.dtype, isData: true });
    map.set(v, copy);
    batched.add(copy);
    return copy;
  });
  const b = new Builder(target, registry);
  for (const op of block.ops) {
    const args = op.inputs.map((v) => map.get(v)!);
    const flags = args.map((v) => batched.has(v));
    if (!flags.some(Boolean)) {
      b.emit(op.type, args, op.attrs).forEach((v, i) => map.set(op.outputs[i]!, v));
      continue;
    }
    const results = runRule(b, op, args, flags, size, rules);
    results.forEach((v, i) => {
      map.set(op.outputs[i]!, v);
      batched.add(v);
    });
  }
  const newOutputs = outputs.map((v) => {
    const mapped = map.get(v)!;
    if (!batched.has(mapped)) {
      throw new PrimgradError(`Batching: output '${v.name}' does not depend on the linear inputs, so it has no batch axis.`);
    }
    return mapped;
  });
  return { program, block: target, residuals: newResiduals, inputs: newInputs, outputs: newOutputs };
}
