import { formatShape, type Shape } from './shape.js';

/** The kinds of rule a registry holds, per op type. */
export type RuleKind = 'orig2prim' | 'prim2orig' | 'linearize' | 'transpose' | 'vjp';

/** Base class of every error primgrad throws on purpose; `name` is stable and safe to match on. */
export class PrimgradError extends Error {
  override name = 'PrimgradError';
}

/** An op's inputs or attrs have shapes, dtypes or values the op cannot take. */
export class ShapeError extends PrimgradError {
  override name = 'ShapeError';
  constructor(
    readonly op: string,
    detail: string,
    readonly shapes: readonly Shape[] = [],
  ) {
    super(
      `${op}: ${detail}${shapes.length > 0 ? ` (input shapes: ${shapes.map(formatShape).join(', ')})` : ''}`,
    );
  }
}

/** An op was given a wrong number of inputs, a wrong dtype or an invalid attr. */
export class OpArgumentError extends PrimgradError {
  override name = 'OpArgumentError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

function missingMessage(what: string, op: string, providedBy: string | undefined, registered: readonly string[]): string {
  const install = providedBy
    ? `It is provided by ${providedBy}: install that package and add its plugin with registry.use(...). `
    : 'Register a plugin that provides it with registry.use(...). ';
  return `No ${what} is registered for op '${op}'. ${install}Ops with a ${what}: ${registered.length > 0 ? registered.join(', ') : '(none)'}.`;
}

/** A transform met an op that has no rule of the kind it needs. */
export class MissingRuleError extends PrimgradError {
  override name = 'MissingRuleError';
  constructor(
    readonly op: string,
    readonly ruleKind: RuleKind,
    readonly providedBy: string | undefined,
    readonly registered: readonly string[],
  ) {
    super(missingMessage(`${ruleKind} rule`, op, providedBy, registered));
  }
}

/** A backend has no kernel for a native op. */
export class MissingKernelError extends PrimgradError {
  override name = 'MissingKernelError';
  constructor(
    readonly op: string,
    readonly backend: string,
    readonly providedBy: string | undefined,
    readonly registered: readonly string[],
  ) {
    super(missingMessage(`${backend} kernel`, op, providedBy, registered));
  }
}

/** An op type is not defined in the registry. */
export class UnknownOpError extends PrimgradError {
  override name = 'UnknownOpError';
  constructor(
    readonly op: string,
    readonly registered: readonly string[],
  ) {
    super(
      `Op '${op}' is not defined in this registry. Register the plugin that defines it with registry.use(...). ` +
        `Defined ops: ${registered.length > 0 ? registered.join(', ') : '(none)'}.`,
    );
  }
}

/** A backend was asked to run a block that still holds a prim. */
export class PrimNotLoweredError extends PrimgradError {
  override name = 'PrimNotLoweredError';
  constructor(
    readonly op: string,
    readonly opIndex: number,
  ) {
    super(
      `Op #${opIndex} '${op}' is a prim: prims have no kernels and cannot run. ` +
        'Run prim2orig(block) on the block first to turn prims back into native ops.',
    );
  }
}

/** A plugin passed to registry.use() is malformed or conflicts with what is registered. */
export class PluginError extends PrimgradError {
  override name = 'PluginError';
  constructor(
    readonly plugin: string,
    detail: string,
  ) {
    super(`Plugin '${plugin}': ${detail}`);
  }
}

/** A rule returned the wrong number of vars, or vars of the wrong shape or dtype. */
export class RuleOutputError extends PrimgradError {
  override name = 'RuleOutputError';
  constructor(
    readonly op: string,
    readonly ruleKind: RuleKind,
    readonly plugin: string | undefined,
    detail: string,
  ) {
    super(`The ${ruleKind} rule for '${op}'${plugin ? ` (from plugin '${plugin}')` : ''} is wrong: ${detail}`);
  }
}

/** A block breaks an invariant of the IR; `problems` lists each one found. */
export class VerifyError extends PrimgradError {
  override name = 'VerifyError';
  constructor(readonly problems: readonly string[]) {
    super(`The block is invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** A user-facing API was called with invalid arguments. */
export class ArgumentError extends PrimgradError {
  override name = 'ArgumentError';
}
