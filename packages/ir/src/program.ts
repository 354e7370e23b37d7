import type { DType } from './dtype.js';
import { ArgumentError } from './errors.js';
import type { Shape } from './shape.js';

/** Attr values are plain JSON so programs serialize and print without loss. */
export type AttrValue = number | string | boolean | null | readonly AttrValue[] | { readonly [key: string]: AttrValue };
export type Attrs = { readonly [key: string]: AttrValue };

/** The static type of a value: what shape inference reads and returns. */
export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface VarOptions {
  name?: string;
  shape: Shape;
  dtype: DType;
  /** Kept in the scope across runs (parameters, optimizer state). */
  persistable?: boolean;
  isParameter?: boolean;
  /** Fed by the caller at run time (program inputs). */
  isData?: boolean;
  stopGradient?: boolean;
}

/** A named value in a block, with a static shape and dtype. */
export class Var implements TensorType {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
  persistable: boolean;
  isParameter: boolean;
  isData: boolean;
  /** A var with stopGradient set is a constant to autodiff: no tangent or cotangent flows through it. */
  stopGradient: boolean;

  constructor(
    readonly block: Block,
    options: Required<Pick<VarOptions, 'name'>> & VarOptions,
  ) {
    this.name = options.name;
    this.shape = Object.freeze([...options.shape]);
    this.dtype = options.dtype;
    this.persistable = options.persistable ?? false;
    this.isParameter = options.isParameter ?? false;
    this.isData = options.isData ?? false;
    // Program inputs and optimizer state are constants to autodiff unless the user says otherwise.
    this.stopGradient = options.stopGradient ?? (this.isData || (this.persistable && !this.isParameter));
  }

  get program(): Program {
    return this.block.program;
  }

  toString(): string {
    return this.name;
  }
}

let nextOpId = 0;

/** One op: a type, positional input and output vars, and attrs. */
export class Op {
  /** Unique within the process; used to key per-op bookkeeping in transforms. */
  readonly id = nextOpId++;

  constructor(
    readonly type: string,
    public inputs: Var[],
    public outputs: Var[],
    public attrs: Attrs = {},
  ) {}
}

/** An ordered list of ops over named vars. */
export class Block {
  readonly ops: Op[] = [];
  readonly vars = new Map<string, Var>();

  constructor(
    readonly program: Program,
    readonly idx: number,
  ) {}

  /** Creates a var in this block; a missing name is generated from `hint`. */
  createVar(options: VarOptions, hint = 'tmp'): Var {
    const name = options.name ?? this.program.uniqueName(hint);
    if (this.vars.has(name)) {
      throw new ArgumentError(`A var named '${name}' already exists in block ${this.idx}; choose another name.`);
    }
    this.program.reserveName(name);
    const v = new Var(this, { ...options, name });
    this.vars.set(name, v);
    return v;
  }

  hasVar(name: string): boolean {
    return this.vars.has(name);
  }

  /** Returns the var named `name`, or throws naming the vars that exist. */
  var(name: string): Var {
    const v = this.vars.get(name);
    if (!v) {
      const names = [...this.vars.keys()];
      throw new ArgumentError(
        `Var '${name}' not found in block ${this.idx}. Vars: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}.`,
      );
    }
    return v;
  }

  appendOp(op: Op): Op {
    this.ops.push(op);
    return op;
  }

  insertOps(index: number, ops: readonly Op[]): void {
    this.ops.splice(index, 0, ...ops);
  }

  /** Removes `op` from the block; its output vars stay declared. */
  removeOp(op: Op): void {
    const i = this.ops.indexOf(op);
    if (i < 0) throw new ArgumentError(`Op '${op.type}' (id ${op.id}) is not in block ${this.idx}.`);
    this.ops.splice(i, 1);
  }

  /** Removes every op in `ops` (a set) in one pass. */
  removeOps(ops: ReadonlySet<Op>): void {
    let w = 0;
    for (const op of this.ops) if (!ops.has(op)) this.ops[w++] = op;
    this.ops.length = w;
  }

  /** Drops vars that no op reads or writes and that are not data, persistable or in `keep`. */
  pruneVars(keep: Iterable<Var> = []): void {
    const used = new Set<Var>(keep);
    for (const op of this.ops) {
      for (const v of op.inputs) used.add(v);
      for (const v of op.outputs) used.add(v);
    }
    for (const [name, v] of this.vars) {
      if (!used.has(v) && !v.isData && !v.persistable) this.vars.delete(name);
    }
  }
}

/** A program: blocks of ops. Block 0 is the main block. */
export class Program {
  readonly blocks: Block[];
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();

  constructor() {
    this.blocks = [new Block(this, 0)];
  }

  block(idx: number): Block {
    const b = this.blocks[idx];
    if (!b) throw new ArgumentError(`Block ${idx} does not exist; this program has ${this.blocks.length} block(s).`);
    return b;
  }

  globalBlock(): Block {
    return this.blocks[0]!;
  }

  /** Adds an empty block at the end and returns it. */
  appendBlock(): Block {
    const block = new Block(this, this.blocks.length);
    this.blocks.push(block);
    return block;
  }

  /** Returns a fresh var name of the form `<hint>_<n>` (or `hint` itself with bareFirst), unique in this program. */
  uniqueName(hint: string, options: { bareFirst?: boolean } = {}): string {
    if (options.bareFirst && !this.names.has(hint)) return hint;
    let n = this.counters.get(hint) ?? 0;
    let name = `${hint}_${n}`;
    while (this.names.has(name)) name = `${hint}_${++n}`;
    this.counters.set(hint, n + 1);
    return name;
  }

  /** Marks `name` as taken so uniqueName never returns it. */
  reserveName(name: string): void {
    this.names.add(name);
  }
}
