import type { Builder } from './builder.js';
import {
  MissingKernelError,
  MissingRuleError,
  PluginError,
  UnknownOpError,
  type RuleKind,
} from './errors.js';
import { formatValue, isPlainTable } from './format-value.js';
import type { Attrs, Op, TensorType, Var } from './program.js';

/** The version of the plugin contract this registry implements. */
export const PLUGIN_CONTRACT_VERSION = 1;

export type OpKind = 'orig' | 'prim';

/** The definition of one op type: arity, shape and dtype inference, and what autodiff may assume. */
export interface OpDef<A extends Attrs = Attrs> {
  readonly type: string;
  readonly kind: OpKind;
  /** Input names, used in messages; their count is the arity unless `variadic` is set. */
  readonly inputs: readonly string[];
  /** The last named input repeats: the op takes `inputs.length - 1` or more inputs. */
  readonly variadic?: boolean;
  /** Output names; one output named `out` when absent. */
  readonly outputs?: readonly string[];
  /**
   * Infers output types from input types and attrs. Throws ShapeError or OpArgumentError
   * (naming the op, the inputs and their shapes) when the inputs or attrs are invalid.
   */
  infer(inputs: readonly TensorType[], attrs: A): TensorType[];
  /** For prims: the inputs this op is linear in while the other inputs stay fixed. */
  readonly linearIn?: readonly number[];
  /** False for ops whose outputs carry no derivative: comparisons, random sources, state updates. */
  readonly differentiable?: boolean;
  /** One line on the op's semantics, shown in coverage reports. */
  readonly doc?: string;
}

/** Lowers one native op to prims; returns vars for each of the op's outputs. */
export type Orig2PrimRule = (b: Builder, op: Op) => Var[];
/** Raises one prim to native ops; returns vars for each of the op's outputs. */
export type Prim2OrigRule = (b: Builder, op: Op) => Var[];
/**
 * Emits the ops that compute an op's output tangents from its input tangents. `tangents[i]`
 * is null for a symbolic zero; return null for an output whose tangent is a symbolic zero.
 */
export type LinearizeRule = (b: Builder, op: Op, tangents: readonly (Var | null)[]) => (Var | null)[];
/**
 * Emits the ops that compute the cotangents of an op's linear inputs from its output
 * cotangents (`ctOuts`, null for a symbolic zero). `linear[i]` marks the linear inputs;
 * return null at the other positions and for zero cotangents.
 */
export type TransposeRule = (
  b: Builder,
  op: Op,
  ctOuts: readonly (Var | null)[],
  linear: readonly boolean[],
) => (Var | null)[];
/**
 * The original mechanism: emits native ops that compute an op's input cotangents from its
 * output cotangents. `needed[i]` marks the input cotangents to compute; return null for the rest.
 */
export type VjpRule = (
  b: Builder,
  op: Op,
  ctOuts: readonly (Var | null)[],
  needed: readonly boolean[],
) => (Var | null)[];

export interface RuleTables {
  orig2prim: Orig2PrimRule;
  prim2orig: Prim2OrigRule;
  linearize: LinearizeRule;
  transpose: TransposeRule;
  vjp: VjpRule;
}

export const RULE_KINDS: readonly RuleKind[] = ['orig2prim', 'prim2orig', 'linearize', 'transpose', 'vjp'];

/**
 * A bundle of op definitions, rules and kernels. A plugin is plain data: registering it is an
 * explicit `registry.use(plugin)` call, never an import side effect.
 */
export interface Plugin {
  /** Usually the npm package name, so errors can tell users what to install. */
  readonly name: string;
  readonly version?: string;
  /** The plugin contract version the plugin was written against; must equal PLUGIN_CONTRACT_VERSION. */
  readonly contract: number;
  /** Allow this plugin to replace definitions, rules and kernels that are already registered. */
  readonly override?: boolean;
  readonly ops?: readonly OpDef<any>[];
  readonly orig2prim?: Readonly<Record<string, Orig2PrimRule>>;
  readonly prim2orig?: Readonly<Record<string, Prim2OrigRule>>;
  readonly linearize?: Readonly<Record<string, LinearizeRule>>;
  readonly transpose?: Readonly<Record<string, TransposeRule>>;
  readonly vjp?: Readonly<Record<string, VjpRule>>;
  /** Backends this plugin introduces (a backend package declares its own name here). */
  readonly backends?: readonly string[];
  /** Kernels per backend name, per op type. Their form is the backend's business. */
  readonly kernels?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * For the ops this plugin defines: which package provides each kind of rule or kernel
   * (`kernel:<backend>` for kernels), so a missing one can be reported by package name.
   */
  readonly providers?: Readonly<Partial<Record<RuleKind | `kernel:${string}`, string>>>;
}

interface Entry<T> {
  readonly value: T;
  readonly plugin: string;
}

/** The table of op definitions, rules and kernels that every transform and backend consults. */
export class Registry {
  private readonly opDefs = new Map<string, Entry<OpDef<any>>>();
  private readonly rules: { [K in RuleKind]: Map<string, Entry<RuleTables[K]>> } = {
    orig2prim: new Map(),
    prim2orig: new Map(),
    linearize: new Map(),
    transpose: new Map(),
    vjp: new Map(),
  };
  private readonly kernelTables = new Map<string, Map<string, Entry<unknown>>>();
  private readonly pluginsByName = new Map<string, Plugin>();
  private readonly providerHints = new Map<string, Plugin['providers']>();

  /** Validates `plugin` and adds everything it carries; returns this registry for chaining. */
  use(plugin: Plugin): this {
    validatePluginShape(plugin);
    const known = this.pluginsByName.get(plugin.name);
    if (known) {
      // A second copy of the same package (two bundles, or dual ESM/CJS) registers the same plugin
      // again, which changes nothing. With override set, the caller asks to replace it instead.
      const sameCopy = known === plugin || (known.version !== undefined && known.version === plugin.version);
      if (sameCopy && !plugin.override) return this;
      if (!plugin.override) {
        throw new PluginError(
          plugin.name,
          `a plugin with this name (version ${known.version ?? 'unknown'}) is already registered; ` +
            'set override: true to replace it, or give the plugin another name.',
        );
      }
    }
    this.checkConflicts(plugin);
    for (const def of plugin.ops ?? []) {
      this.opDefs.set(def.type, { value: def, plugin: plugin.name });
      if (plugin.providers) this.providerHints.set(def.type, plugin.providers);
    }
    for (const backend of plugin.backends ?? []) {
      if (!this.kernelTables.has(backend)) this.kernelTables.set(backend, new Map());
    }
    for (const kind of RULE_KINDS) {
      const table = plugin[kind] as Record<string, RuleTables[typeof kind]> | undefined;
      for (const [type, fn] of Object.entries(table ?? {})) {
        (this.rules[kind] as Map<string, Entry<unknown>>).set(type, { value: fn, plugin: plugin.name });
      }
    }
    for (const [backend, kernels] of Object.entries(plugin.kernels ?? {})) {
      const table = this.kernelTables.get(backend)!;
      for (const [type, kernel] of Object.entries(kernels)) table.set(type, { value: kernel, plugin: plugin.name });
    }
    this.pluginsByName.set(plugin.name, plugin);
    return this;
  }

  private checkConflicts(plugin: Plugin): void {
    function fail(detail: string): never {
      throw new PluginError(plugin.name, detail);
    }
    const own = new Map<string, OpDef<any>>();
    for (const def of plugin.ops ?? []) {
      if (own.has(def.type)) fail(`op '${def.type}' is defined twice in this plugin.`);
      own.set(def.type, def);
      const existing = this.opDefs.get(def.type);
      if (existing && !plugin.override) {
        fail(
          `op '${def.type}' is already defined by plugin '${existing.plugin}'; ` +
            'set override: true to replace it, or give the op another name.',
        );
      }
    }
    const defOf = (type: string): OpDef<any> | undefined => own.get(type) ?? this.opDefs.get(type)?.value;
    const ruleKindFor: Record<RuleKind, OpKind> = {
      orig2prim: 'orig',
      vjp: 'orig',
      prim2orig: 'prim',
      linearize: 'prim',
      transpose: 'prim',
    };
    for (const kind of RULE_KINDS) {
      for (const [type, fn] of Object.entries((plugin[kind] as Record<string, unknown> | undefined) ?? {})) {
        const def = defOf(type);
        if (!def) {
          fail(
            `has a ${kind} rule for op '${type}', which no registered plugin defines. ` +
              'Define the op in this plugin or register the plugin that defines it first.',
          );
        }
        if (typeof fn !== 'function') fail(`the ${kind} rule for op '${type}' is not a function.`);
        if (def.kind !== ruleKindFor[kind]) {
          const kindName = (k: OpKind): string => (k === 'orig' ? 'native' : 'prim');
          fail(`has a ${kind} rule for op '${type}', but ${kind} rules are for ${kindName(ruleKindFor[kind])} ops and '${type}' is a ${kindName(def.kind)} op.`);
        }
        if (kind === 'transpose' && (def.linearIn ?? []).length === 0) {
          fail(`has a transpose rule for prim '${type}', which is linear in none of its inputs (linearIn is empty).`);
        }
        const existing = this.rules[kind].get(type);
        if (existing && !plugin.override) {
          fail(`the ${kind} rule for op '${type}' is already registered by plugin '${existing.plugin}'; set override: true to replace it.`);
        }
      }
    }
    const backends = new Set([...this.kernelTables.keys(), ...(plugin.backends ?? [])]);
    for (const [backend, kernels] of Object.entries(plugin.kernels ?? {})) {
      if (!backends.has(backend)) {
        fail(
          `has kernels for backend '${backend}', which no registered plugin declares. ` +
            `Known backends: ${[...backends].join(', ') || '(none)'}.`,
        );
      }
      for (const [type, kernel] of Object.entries(kernels)) {
        const def = defOf(type);
        if (!def) fail(`has a ${backend} kernel for op '${type}', which no registered plugin defines.`);
        if (def.kind === 'prim') fail(`has a ${backend} kernel for prim '${type}'; prims have no kernels, only native ops do.`);
        if (typeof kernel !== 'function') fail(`the ${backend} kernel for op '${type}' is not a function.`);
        const existing = this.kernelTables.get(backend)?.get(type);
        if (existing && !plugin.override) {
          fail(`the ${backend} kernel for op '${type}' is already registered by plugin '${existing.plugin}'; set override: true to replace it.`);
        }
      }
    }
  }

  hasOp(type: string): boolean {
    return this.opDefs.has(type);
  }

  /** Returns the definition of `type`, or throws UnknownOpError listing the defined ops. */
  opDef(type: string): OpDef<any> {
    const entry = this.opDefs.get(type);
    if (!entry) throw new UnknownOpError(type, [...this.opDefs.keys()].sort());
    return entry.value;
  }

  opTypes(kind?: OpKind): string[] {
    return [...this.opDefs.values()].filter((e) => kind === undefined || e.value.kind === kind).map((e) => e.value.type);
  }

  /** Returns the plugin that registered the definition of `type`. */
  opPlugin(type: string): string | undefined {
    return this.opDefs.get(type)?.plugin;
  }

  hasRule(kind: RuleKind, type: string): boolean {
    return this.rules[kind].has(type);
  }

  /** Returns the rule of `kind` for `type`, or throws MissingRuleError naming the package to install. */
  rule<K extends RuleKind>(kind: K, type: string): RuleTables[K] {
    const entry = this.rules[kind].get(type);
    if (!entry) {
      this.opDef(type);
      throw new MissingRuleError(type, kind, this.providerHints.get(type)?.[kind], [...this.rules[kind].keys()].sort());
    }
    return entry.value as RuleTables[K];
  }

  /** Returns the plugin that registered the rule of `kind` for `type`. */
  rulePlugin(kind: RuleKind, type: string): string | undefined {
    return this.rules[kind].get(type)?.plugin;
  }

  hasBackend(backend: string): boolean {
    return this.kernelTables.has(backend);
  }

  backends(): string[] {
    return [...this.kernelTables.keys()];
  }

  hasKernel(backend: string, type: string): boolean {
    return this.kernelTables.get(backend)?.has(type) ?? false;
  }

  /** Returns the `backend` kernel for `type`, or throws MissingKernelError naming the package to install. */
  kernel<K = unknown>(backend: string, type: string): K {
    const entry = this.kernelTables.get(backend)?.get(type);
    if (!entry) {
      this.opDef(type);
      throw new MissingKernelError(
        type,
        backend,
        this.providerHints.get(type)?.[`kernel:${backend}`],
        [...(this.kernelTables.get(backend)?.keys() ?? [])].sort(),
      );
    }
    return entry.value as K;
  }

  plugins(): Plugin[] {
    return [...this.pluginsByName.values()];
  }
}

/** The keys a plugin object may have; any other key is most likely a misspelling. */
const PLUGIN_KEYS: readonly string[] = [
  'name',
  'version',
  'contract',
  'override',
  'ops',
  ...RULE_KINDS,
  'backends',
  'kernels',
  'providers',
];

/**
 * Checks the structure of a plugin before anything in it is read as a table or list, so a
 * malformed field fails with a PluginError that names the field and not as a TypeError later.
 */
function validatePluginShape(plugin: Plugin): void {
  if (typeof plugin !== 'object' || plugin === null) {
    throw new PluginError(String(plugin), 'a plugin must be an object with a name and a contract version.');
  }
  if (typeof plugin.name !== 'string' || plugin.name.length === 0) {
    throw new PluginError('(unnamed)', 'the plugin has no name; set `name` (usually the npm package name).');
  }
  function fail(detail: string): never {
    throw new PluginError(plugin.name, detail);
  }
  validateContract(plugin.contract, fail);
  for (const key of Object.keys(plugin)) {
    if (!PLUGIN_KEYS.includes(key)) {
      fail(`unknown key '${key}'. Check its spelling; the known keys are ${PLUGIN_KEYS.join(', ')}.`);
    }
  }
  if (plugin.version !== undefined && typeof plugin.version !== 'string') {
    fail(`\`version\` must be a string such as '1.0.0', got ${formatValue(plugin.version)}.`);
  }
  if (plugin.override !== undefined && typeof plugin.override !== 'boolean') {
    fail(`\`override\` must be true or false, got ${formatValue(plugin.override)}.`);
  }
  if (plugin.ops !== undefined) {
    if (!Array.isArray(plugin.ops)) fail(`\`ops\` must be an array of op definitions, got ${formatValue(plugin.ops)}.`);
    for (const def of plugin.ops) validateOpDef(plugin.name, def);
  }
  for (const kind of RULE_KINDS) {
    const table: unknown = plugin[kind];
    if (table !== undefined && !isPlainTable(table)) {
      fail(`\`${kind}\` must be an object mapping op types to ${kind} rules, got ${formatValue(table)}.`);
    }
  }
  if (plugin.backends !== undefined) {
    if (!Array.isArray(plugin.backends)) {
      fail(`\`backends\` must be an array of backend names (non-empty strings), got ${formatValue(plugin.backends)}.`);
    }
    plugin.backends.forEach((backend: unknown, i) => {
      if (typeof backend !== 'string' || backend.length === 0) {
        fail(`backends[${i}] must be a backend name (a non-empty string), got ${formatValue(backend)}.`);
      }
    });
  }
  if (plugin.kernels !== undefined) {
    if (!isPlainTable(plugin.kernels)) {
      fail(`\`kernels\` must be an object mapping backend names to kernel tables, got ${formatValue(plugin.kernels)}.`);
    }
    for (const [backend, kernels] of Object.entries(plugin.kernels)) {
      if (!isPlainTable(kernels)) {
        fail(`\`kernels.${backend}\` must be an object mapping op types to ${backend} kernels, got ${formatValue(kernels)}.`);
      }
    }
  }
  if (plugin.providers !== undefined) {
    if (!isPlainTable(plugin.providers)) {
      fail(
        "`providers` must be an object mapping rule kinds or 'kernel:<backend>' to package names, " +
          `got ${formatValue(plugin.providers)}.`,
      );
    }
    for (const [key, pkg] of Object.entries(plugin.providers)) {
      if (!(RULE_KINDS as readonly string[]).includes(key) && !/^kernel:.+$/.test(key)) {
        fail(`providers has the key '${key}'; use a rule kind (${RULE_KINDS.join(', ')}) or 'kernel:<backend>'.`);
      }
      if (typeof pkg !== 'string' || pkg.length === 0) {
        fail(`providers['${key}'] must be a package name (a non-empty string), got ${formatValue(pkg)}.`);
      }
      if (pkg.length > 214 || !PACKAGE_NAME_PATTERN.test(pkg)) {
        fail(
          `providers['${key}'] is ${formatValue(pkg)}, which is not a valid npm package name: use lowercase letters, ` +
            "digits and - . _ ~ with no spaces, optionally after an '@scope/' prefix, such as '@acme/ops-vjp'.",
        );
      }
    }
  }
}

function validateContract(contract: unknown, fail: (detail: string) => never): void {
  if (contract === undefined) {
    fail(
      'the plugin has no contract version; set `contract: PLUGIN_CONTRACT_VERSION` ' +
        `(exported by @primgrad/ir, ${PLUGIN_CONTRACT_VERSION} in this version).`,
    );
  }
  if (typeof contract !== 'number') {
    const got = typeof contract === 'string' ? `the string ${formatValue(contract)}` : formatValue(contract);
    fail(`\`contract\` must be the number PLUGIN_CONTRACT_VERSION (${PLUGIN_CONTRACT_VERSION}), got ${got}.`);
  }
  if (contract !== PLUGIN_CONTRACT_VERSION) {
    fail(`it was written for plugin contract ${contract}, but this registry implements contract ${PLUGIN_CONTRACT_VERSION}.`);
  }
}

/**
 * npm's rules for new package names, less the 214-character limit checked beside it: an
 * optional `@scope/`, then lowercase letters, digits and `-._~`, not starting with `.` or `_`.
 */
const PACKAGE_NAME_PATTERN = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;

/** The keys an op definition may have; any other key is most likely a misspelling. */
const OP_DEF_KEYS: readonly string[] = ['type', 'kind', 'inputs', 'variadic', 'outputs', 'infer', 'linearIn', 'differentiable', 'doc'];

function validateOpDef(pluginName: string, def: OpDef<any>): void {
  function fail(detail: string): never {
    throw new PluginError(pluginName, detail);
  }
  if (typeof def?.type !== 'string' || def.type.length === 0) fail(`an op definition has no type: got ${formatValue(def)}.`);
  for (const key of Object.keys(def)) {
    if (!OP_DEF_KEYS.includes(key)) {
      fail(`op '${def.type}' has the unknown key '${key}'. Check its spelling; the known keys are ${OP_DEF_KEYS.join(', ')}.`);
    }
  }
  if (def.variadic !== undefined && typeof def.variadic !== 'boolean') {
    fail(`op '${def.type}': \`variadic\` must be true or false, got ${formatValue(def.variadic)}.`);
  }
  if (def.differentiable !== undefined && typeof def.differentiable !== 'boolean') {
    fail(`op '${def.type}': \`differentiable\` must be true or false, got ${formatValue(def.differentiable)}.`);
  }
  if (def.doc !== undefined && typeof def.doc !== 'string') {
    fail(`op '${def.type}': \`doc\` must be a string (one line on the op's semantics), got ${formatValue(def.doc)}.`);
  }
  if (def.kind !== 'orig' && def.kind !== 'prim') {
    fail(`op '${def.type}' has kind ${JSON.stringify(def.kind)}; use 'orig' or 'prim'.`);
  }
  if (!Array.isArray(def.inputs)) fail(`op '${def.type}' has no inputs list.`);
  def.inputs.forEach((name: unknown, i) => {
    if (typeof name !== 'string') fail(`op '${def.type}': inputs[${i}] must be an input name (a string), got ${formatValue(name)}.`);
  });
  if (def.variadic === true && def.inputs.length === 0) {
    fail(`op '${def.type}' is variadic but names no inputs; the last name in inputs is the one that repeats.`);
  }
  if (def.outputs !== undefined) {
    if (!Array.isArray(def.outputs) || def.outputs.some((name: unknown) => typeof name !== 'string')) {
      fail(`op '${def.type}': outputs must be an array of output names (strings), got ${formatValue(def.outputs)}.`);
    }
  }
  if (typeof def.infer !== 'function') fail(`op '${def.type}' has no infer function.`);
  if (def.kind === 'prim' && !def.type.endsWith('_p')) {
    fail(`prim '${def.type}' must be named with a '_p' suffix.`);
  }
  if (def.kind === 'orig' && def.type.endsWith('_p')) {
    fail(`native op '${def.type}' must not end in '_p'; that suffix marks prims.`);
  }
  if (def.linearIn !== undefined && def.kind === 'orig') {
    fail(
      `native op '${def.type}' sets linearIn, but linearIn is for prims: the transpose driver reads it, and only prims are ` +
        'transposed. Remove it from the native op, or set it on the prim the op lowers to.',
    );
  }
  if (def.linearIn !== undefined) {
    if (!Array.isArray(def.linearIn)) {
      fail(`op '${def.type}': linearIn must be an array of input indices (integers), got ${formatValue(def.linearIn)}.`);
    }
    const inputCount = def.variadic ? Infinity : def.inputs.length;
    for (const i of def.linearIn as readonly unknown[]) {
      if (!Number.isInteger(i)) {
        fail(`op '${def.type}': linearIn must list input indices (integers), got ${formatValue(i)}.`);
      }
      if ((i as number) < 0 || (i as number) >= inputCount) {
        fail(
          `op '${def.type}' lists input ${String(i)} in linearIn, but it has inputs ${def.inputs.join(', ')} ` +
            `(indices 0 to ${def.inputs.length - 1}).`,
        );
      }
    }
  }
}

const DEFAULT_REGISTRY_KEY = Symbol.for('@primgrad/ir.defaultRegistry');

/**
 * Returns the process-wide default registry, created empty on first use. It is kept on
 * globalThis under a registered symbol, so two copies of this package in one bundle share it.
 */
export function defaultRegistry(): Registry {
  const holder = globalThis as { [DEFAULT_REGISTRY_KEY]?: Registry };
  holder[DEFAULT_REGISTRY_KEY] ??= new Registry();
  return holder[DEFAULT_REGISTRY_KEY];
}

/** Creates a registry holding `plugins`, registered in order. */
export function createRegistry(plugins: readonly Plugin[] = []): Registry {
  const registry = new Registry();
  for (const p of plugins) registry.use(p);
  return registry;
}
