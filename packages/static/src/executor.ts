import {
  ArgumentError,
  Block,
  NDArray,
  formatShape,
  numel,
  shapesEqual,
  type NestedArray,
  type Place,
  type Program,
  type Scope,
  type TypedArray,
  type Var,
} from '@primgrad/ir';
import { defaultMainProgram, globalScope, registryOf } from './context.js';

export type FeedValue = NestedArray | TypedArray | NDArray;

export interface RunOptions {
  /** Values for the program's data vars, by var name. */
  feed?: Readonly<Record<string, FeedValue>>;
  /** Vars (or var names) whose values to return, in order. */
  fetchList?: readonly (Var | string)[];
  /** The scope that stores persistable values; the global scope by default. */
  scope?: Scope;
}

type RunHook = (scope: Scope) => void;
const hooks = new WeakMap<Program, RunHook[]>();

/** Registers `hook` to run before every run of `program` (optimizers set scheduled learning rates this way). */
export function addRunHook(program: Program, hook: RunHook): void {
  const list = hooks.get(program) ?? [];
  list.push(hook);
  hooks.set(program, list);
}

/** Runs programs on a place: the CPU place runs synchronously, a device place asynchronously. */
export class Executor {
  /** Number of programs this executor has run. */
  runs = 0;

  constructor(readonly place: Place) {
    if (!place || typeof place.run !== 'function') {
      throw new ArgumentError('Executor needs a place, e.g. new Executor(new CPUPlace()).');
    }
  }

  /** Runs `program` and returns the fetched values. Throws when the place only runs asynchronously. */
  run(program: Program = defaultMainProgram(), options: RunOptions = {}): NDArray[] {
    const result = this.start('run', program, options);
    if (result instanceof Promise) {
      throw new ArgumentError(`The '${this.place.backend}' place runs asynchronously; use runAsync().`);
    }
    return result;
  }

  async runAsync(program: Program = defaultMainProgram(), options: RunOptions = {}): Promise<NDArray[]> {
    return this.start('runAsync', program, options);
  }

  private start(api: string, program: Program, options: RunOptions): NDArray[] | Promise<NDArray[]> {
    checkProgram(api, program);
    const block = program.globalBlock();
    const scope = options.scope ?? globalScope();
    const feed = new Map<string, NDArray>();
    for (const [name, value] of Object.entries(options.feed ?? {})) {
      if (!block.hasVar(name)) {
        throw new ArgumentError(`feed: the program has no var '${name}'. Its data vars: ${dataVarNames(block)}.`);
      }
      feed.set(name, feedArray(block.var(name), value));
    }
    const fetchList: unknown = options.fetchList ?? [];
    if (!Array.isArray(fetchList)) {
      throw new ArgumentError(
        `fetchList must be an array of vars or var names, got ${describeValue(fetchList)}; for one value pass [y] or ['y'].`,
      );
    }
    const fetch = fetchList.map((f: unknown, i) => {
      if (typeof f === 'string') return block.var(f);
      if (!f || typeof f !== 'object' || !('block' in f)) throw new ArgumentError(`fetchList[${i}] must be a var or a var name.`);
      const v = f as Var;
      if (v.block !== block) throw new ArgumentError(`fetchList[${i}] ('${v.name}') belongs to another program.`);
      return v;
    });
    for (const hook of hooks.get(program) ?? []) hook(scope);
    this.runs++;
    return this.place.run({ block, registry: registryOf(program), scope, feed, fetch });
  }
}

/** Throws unless `program` is a Program; a Block is the likely mistake, so it gets its own message. */
function checkProgram(api: string, program: unknown): void {
  if (typeof (program as Program | null)?.globalBlock === 'function') return;
  if (program instanceof Block) {
    throw new ArgumentError(
      `Executor.${api} takes a Program (e.g. main), not a block. Pass the program that contains the block: ${api}(block.program, ...).`,
    );
  }
  throw new ArgumentError(`Executor.${api} takes a Program (e.g. main), got ${describeValue(program)}.`);
}

function dataVarNames(block: Block): string {
  const names = [...block.vars.values()].filter((v) => v.isData).map((v) => v.name);
  return names.join(', ') || '(none)';
}

/**
 * Converts the feed value for `v` to an NDArray of `v`'s dtype and shape. Only data vars and
 * persistable vars can be fed: the place would ignore a feed for a var that an op computes.
 * A flat typed array of `v`'s size takes `v`'s shape, which is how a value with a 0-sized dim is fed.
 */
function feedArray(v: Var, value: FeedValue): NDArray {
  const name = v.name;
  const varType = `${v.dtype}${formatShape(v.shape)}`;
  if (!v.isData && !v.persistable) {
    const producer = v.block.ops.find((op) => op.outputs.includes(v));
    const reason = producer ? `is computed by op '${producer.type}'` : 'is neither a data var nor persistable';
    throw new ArgumentError(
      `feed '${name}': the var ${reason}, so a feed for it would be ignored. Only data vars (and persistable vars, ` +
        `whose feed replaces their scope value for the run) can be fed. Its data vars: ${dataVarNames(v.block)}.`,
    );
  }
  const isFlat = ArrayBuffer.isView(value) && !(value instanceof DataView);
  if (isFlat) {
    const length = (value as TypedArray).length;
    if (length !== numel(v.shape)) {
      throw new ArgumentError(
        `feed '${name}': got a typed array of ${length} elements (shape [${length}]), but the var is ${varType}, ` +
          `which has ${numel(v.shape)} elements. Pass ${numel(v.shape)} values.`,
      );
    }
  }
  let array: NDArray;
  try {
    if (value instanceof NDArray) array = value;
    else if (isFlat) array = NDArray.from(value as TypedArray, v.dtype, v.shape);
    else array = NDArray.from(value, v.dtype);
  } catch (e) {
    throw new ArgumentError(`feed '${name}': ${(e as Error).message}`);
  }
  if (!shapesEqual(array.shape, v.shape)) {
    throw new ArgumentError(`feed '${name}': got shape [${array.shape}], the var is ${v.dtype}[${v.shape}]. Pass a value of shape ${formatShape(v.shape)}.`);
  }
  if (array.dtype === v.dtype) return array;
  try {
    return NDArray.from(array, v.dtype);
  } catch (e) {
    throw new ArgumentError(`feed '${name}': ${(e as Error).message}`);
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const className: unknown = value.constructor?.name;
    return typeof className === 'string' && className !== 'Object' ? `a ${className}` : 'an object';
  }
  return `a ${typeof value}`;
}
