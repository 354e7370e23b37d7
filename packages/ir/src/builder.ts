import { OpArgumentError, PrimgradError, ShapeError } from './errors.js';
import { Op, Var, type Attrs, type Block, type TensorType } from './program.js';
import type { OpDef, Registry } from './registry.js';
import { isValidShape } from './shape.js';
import { DTYPES, isDType } from './dtype.js';
import { formatValue } from './format-value.js';

export interface BuilderOptions {
  /** Index in the block where the next op goes; ops are appended when absent. */
  insertAt?: number;
}

/**
 * Emits ops into a block through the registry, inferring output shapes and dtypes. Rules,
 * drivers and user-facing APIs all create ops through a builder.
 */
export class Builder {
  /** Every op this builder emitted, in order. */
  readonly emitted: Op[] = [];
  private cursor: number | undefined;

  constructor(
    readonly block: Block,
    readonly registry: Registry,
    options: BuilderOptions = {},
  ) {
    this.cursor = options.insertAt;
  }

  /** Index where the next op is inserted, or undefined when ops are appended. */
  get insertionPoint(): number | undefined {
    return this.cursor;
  }

  set insertionPoint(index: number | undefined) {
    this.cursor = index;
  }

  /**
   * Emits an op of `type` on `inputs` and returns its new output vars. Shapes and dtypes
   * come from the op definition's infer function; invalid inputs throw before anything is added.
   */
  emit(type: string, inputs: readonly Var[], attrs: Attrs = {}, options: { names?: readonly string[] } = {}): Var[] {
    const def = this.registry.opDef(type);
    const types = inferOutputTypes(def, inputs, attrs, this.registry.opPlugin(type));
    const outputs = types.map((t, i) =>
      this.block.createVar({ name: options.names?.[i], shape: t.shape, dtype: t.dtype }, type.replace(/_p$/, '')),
    );
    this.insert(new Op(type, [...inputs], outputs, attrs));
    return outputs;
  }

  /** Emits a single-output op and returns its output. */
  emit1(type: string, inputs: readonly Var[], attrs: Attrs = {}, options: { name?: string } = {}): Var {
    const outs = this.emit(type, inputs, attrs, options.name === undefined ? {} : { names: [options.name] });
    if (outs.length !== 1) {
      throw new OpArgumentError(type, `emit1 expects a single-output op, but '${type}' has ${outs.length} outputs; use emit().`);
    }
    return outs[0]!;
  }

  /** Emits an op whose outputs are existing vars (an in-place update of persistable state). */
  emitInto(type: string, inputs: readonly Var[], outputs: readonly Var[], attrs: Attrs = {}): Op {
    const def = this.registry.opDef(type);
    const types = inferOutputTypes(def, inputs, attrs, this.registry.opPlugin(type));
    if (types.length !== outputs.length) {
      throw new OpArgumentError(type, `expects ${types.length} output var(s), got ${outputs.length}.`);
    }
    types.forEach((t, i) => {
      const v = outputs[i]!;
      if (!sameType(t, v)) {
        throw new ShapeError(
          type,
          `output '${v.name}' is ${v.dtype}[${v.shape.join(',')}] but the op produces ${t.dtype}[${t.shape.join(',')}]`,
        );
      }
    });
    const op = new Op(type, [...inputs], [...outputs], attrs);
    this.insert(op);
    return op;
  }

  private insert(op: Op): void {
    if (this.cursor === undefined) {
      this.block.appendOp(op);
    } else {
      this.block.insertOps(this.cursor, [op]);
      this.cursor++;
    }
    this.emitted.push(op);
  }
}

function sameType(a: TensorType, b: TensorType): boolean {
  return a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/**
 * Checks arity, runs the op definition's inference and checks what it returns. Errors from
 * inference that do not already name the op are wrapped so every message starts with the op
 * type. `plugin` is the plugin that defined the op, named when its infer returns an invalid result.
 */
export function inferOutputTypes(
  def: OpDef<any>,
  inputs: readonly Var[] | readonly TensorType[],
  attrs: Attrs,
  plugin?: string,
): TensorType[] {
  const fixed = def.variadic ? def.inputs.length - 1 : def.inputs.length;
  const arityOk = def.variadic ? inputs.length >= fixed : inputs.length === fixed;
  if (!arityOk) {
    throw new OpArgumentError(
      def.type,
      `expects ${def.variadic ? `at least ${fixed}` : fixed} input(s) (${def.inputs.join(', ')}), got ${inputs.length}.`,
    );
  }
  inputs.forEach((v, i) => {
    if (!v || !isValidShape(v.shape) || !isDType(v.dtype)) {
      const name = def.inputs[Math.min(i, def.inputs.length - 1)];
      throw new OpArgumentError(def.type, `input ${i} ('${name}') is not a var: got ${describe(v)}.`);
    }
  });
  let types: unknown;
  try {
    types = def.infer(inputs, attrs);
  } catch (e) {
    if (e instanceof PrimgradError) throw e;
    const source = plugin ? ` in the infer function of the op definition from plugin '${plugin}'` : '';
    const error = new OpArgumentError(def.type, `shape inference failed${source}: ${e instanceof Error ? e.message : formatValue(e)}`);
    error.cause = e;
    throw error;
  }
  checkInferred(def, types, plugin);
  return types;
}

/** Throws unless `types` is what an infer function must return: one valid `{ shape, dtype }` per output. */
function checkInferred(def: OpDef<any>, types: unknown, plugin: string | undefined): asserts types is TensorType[] {
  function fail(problem: string): never {
    throw new OpArgumentError(
      def.type,
      `the infer function of the op definition${plugin ? ` from plugin '${plugin}'` : ''} returned ${formatValue(types)}: ` +
        `${problem}. infer must return an array with one { shape, dtype } per output; fix the op definition.`,
    );
  }
  if (!Array.isArray(types)) fail('that is not an array');
  if (def.outputs !== undefined && types.length !== def.outputs.length) {
    fail(`the op declares ${def.outputs.length} output(s) (${def.outputs.join(', ')}), but infer returned ${types.length} type(s)`);
  }
  if (def.outputs === undefined && types.length !== 1) {
    fail(`the op declares no outputs, so it has one output ('out'), but infer returned ${types.length} type(s); list the output names in outputs`);
  }
  types.forEach((t: unknown, i) => {
    const label = `output ${i} ('${def.outputs?.[i] ?? 'out'}')`;
    if (typeof t !== 'object' || t === null) fail(`${label} is ${formatValue(t)}, not a { shape, dtype } object`);
    const { shape, dtype } = t as { shape?: unknown; dtype?: unknown };
    const problems: string[] = [];
    if (!isValidShape(shape)) problems.push(`has shape ${formatValue(shape)}, but a shape is an array of non-negative integers`);
    if (!isDType(dtype)) problems.push(`has dtype ${formatValue(dtype)}, but the dtypes are ${DTYPES.join(', ')}`);
    if (problems.length > 0) fail(`${label} ${problems.join(', and ')}`);
  });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
