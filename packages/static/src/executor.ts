import {
  ArgumentError,
  NDArray,
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
  /** Where persistable values live; the global scope by default. */
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
    const result = this.start(program, options);
    if (result instanceof Promise) {
      throw new ArgumentError(`The '${this.place.backend}' place runs asynchronously; use runAsync().`);
    }
    return result;
  }

  async runAsync(program: Program = defaultMainProgram(), options: RunOptions = {}): Promise<NDArray[]> {
    return this.start(program, options);
  }

  private start(program: Program, options: RunOptions): NDArray[] | Promise<NDArray[]> {
    const block = program.globalBlock();
    const scope = options.scope ?? globalScope();
    const feed = new Map<string, NDArray>();
    for (const [name, value] of Object.entries(options.feed ?? {})) {
      if (!block.hasVar(name)) {
        const dataVars = [...block.vars.values()].filter((v) => v.isData).map((v) => v.name);
        throw new ArgumentError(`feed: the program has no var '${name}'. Its data vars: ${dataVars.join(', ') || '(none)'}.`);
      }
      const v = block.var(name);
      let array: NDArray;
      try {
        array = value instanceof NDArray ? value : NDArray.from(value, v.dtype);
      } catch (e) {
        throw new ArgumentError(`feed '${name}': ${(e as Error).message}`);
      }
      if (array.shape.join(',') !== v.shape.join(',')) {
        throw new ArgumentError(`feed '${name}': got shape [${array.shape}], the var is ${v.dtype}[${v.shape}].`);
      }
      feed.set(name, array.dtype === v.dtype ? array : NDArray.from(array, v.dtype));
    }
    const fetch = (options.fetchList ?? []).map((f, i) => {
      if (typeof f === 'string') return block.var(f);
      if (!f || typeof f !== 'object' || !('block' in f)) throw new ArgumentError(`fetchList[${i}] must be a var or a var name.`);
      if (f.block !== block) throw new ArgumentError(`fetchList[${i}] ('${f.name}') belongs to another program.`);
      return f;
    });
    for (const hook of hooks.get(program) ?? []) hook(scope);
    this.runs++;
    return this.place.run({ block, registry: registryOf(program), scope, feed, fetch });
  }
}
