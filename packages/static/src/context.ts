import { ArgumentError, Builder, Program, defaultRegistry, type Block, type Registry, type Scope, type Var } from '@primgrad/ir';
import { Scope as ScopeClass } from '@primgrad/ir';

interface Context {
  main: Program;
  startup: Program;
  registry: Registry;
}

const stack: Context[] = [];
let defaults: Context | undefined;
const registries = new WeakMap<Program, Registry>();
let global: Scope | undefined;

function defaultContext(): Context {
  defaults ??= { main: new Program(), startup: new Program(), registry: defaultRegistry() };
  return defaults;
}

function current(): Context {
  return stack[stack.length - 1] ?? defaultContext();
}

/**
 * Runs `fn` with `main` and `startup` as the programs that `data`, `createParameter` and the
 * op functions build into. Guards nest; the previous programs come back when `fn` returns or throws.
 */
export function programGuard<T>(main: Program, startup: Program, fn: () => T, options: { registry?: Registry } = {}): T {
  if (!(main instanceof Program) || !(startup instanceof Program)) {
    throw new ArgumentError('programGuard(main, startup, fn): main and startup must be Programs.');
  }
  const registry = options.registry ?? registries.get(main) ?? defaultRegistry();
  registries.set(main, registry);
  registries.set(startup, registry);
  stack.push({ main, startup, registry });
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

export function defaultMainProgram(): Program {
  return current().main;
}

export function defaultStartupProgram(): Program {
  return current().startup;
}

/** Returns the registry that builds and transforms the ops of `program`. */
export function registryOf(program: Program): Registry {
  return registries.get(program) ?? (current().main === program ? current().registry : defaultRegistry());
}

/** Returns a builder that appends to `block`. */
export function builderFor(block: Block): Builder {
  return new Builder(block, registryOf(block.program));
}

/** Returns a builder for ops whose inputs are `vars`, appending to their block. */
export function builderOf(vars: readonly Var[]): Builder {
  const first = vars[0];
  if (!first) return builderFor(current().main.globalBlock());
  for (const v of vars) {
    if (v.block !== first.block) {
      throw new ArgumentError(`Vars '${first.name}' and '${v.name}' belong to different blocks or programs; an op must read vars of one block.`);
    }
  }
  return builderFor(first.block);
}

/** Returns the scope that Executor.run uses when none is given; parameters stay there across runs. */
export function globalScope(): Scope {
  global ??= new ScopeClass();
  return global;
}
