/** @file Options shared by every functional API: the registry, the place, extra batching rules. */
import { CPUPlace } from '@primgrad/backend-cpu';
import {
  ArgumentError,
  PrimgradError,
  Registry,
  Scope,
  defaultRegistry,
  type Block,
  type NDArray,
  type Place,
  type Var,
} from '@primgrad/ir';
import { checkBatchRules, type BatchRule } from './batch.js';

export interface FunctionalOptions {
  /** The registry to trace and transform with; the process-wide default registry when absent. */
  readonly registry?: Registry;
  /**
   * The place that runs the programs; a CPUPlace shared by every call when absent. The
   * functional APIs return values synchronously, so the place must return its results directly.
   */
  readonly place?: Place;
  /** Batching rules for third-party linear prims, by prim type, added to the built-in ones. */
  readonly batchRules?: Readonly<Record<string, BatchRule>>;
}

export interface Context {
  readonly api: string;
  readonly registry: Registry;
  readonly place: Place;
  readonly batchRules: Readonly<Record<string, BatchRule>>;
}

let sharedPlace: CPUPlace | undefined;

/** The place used when a call passes none: one CPUPlace, created on first use. */
export function defaultPlace(): CPUPlace {
  sharedPlace ??= new CPUPlace();
  return sharedPlace;
}

/** Checks `options` and fills in the defaults; `api` names the calling function in errors. */
const COMMON_OPTIONS = ['registry', 'place', 'batchRules'];
const MATRIX_OPTIONS = ['isBatched', 'mode', 'maxBatchSize'];
/** Options that only some APIs take; they pass their whole options object through here. */
const EXTRA_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  Jacobian: MATRIX_OPTIONS,
  Hessian: MATRIX_OPTIONS,
  jacobian: MATRIX_OPTIONS,
  hessian: MATRIX_OPTIONS,
  printStages: ['mode', 'batchSize'],
};

export function resolveOptions(api: string, options: FunctionalOptions | undefined): Context {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ArgumentError(`${api}: options must be an object like { registry, place }, got ${options === null ? 'null' : typeof options}.`);
  }
  const known = [...COMMON_OPTIONS, ...(EXTRA_OPTIONS[api] ?? [])];
  for (const key of Object.keys(options ?? {})) {
    if (!known.includes(key)) {
      throw new ArgumentError(`${api}: unknown option '${key}'. Known options: ${known.join(', ')}.`);
    }
  }
  const registry = options?.registry ?? defaultRegistry();
  if (!(registry instanceof Registry)) {
    throw new ArgumentError(`${api}: options.registry must be a Registry (from createRegistry or defaultRegistry()).`);
  }
  if (registry.opTypes('orig').length === 0) {
    throw new ArgumentError(
      `${api}: the registry defines no native ops, so nothing can be traced. Import 'primgrad', which adds the standard plugins ` +
        'to the default registry, or pass { registry: createRegistry([...plugins]) }.',
    );
  }
  const place = options?.place ?? defaultPlace();
  if (typeof place !== 'object' || place === null || typeof place.run !== 'function') {
    throw new ArgumentError(`${api}: options.place must be a Place with a run() method, such as new CPUPlace().`);
  }
  return { api, registry, place, batchRules: checkBatchRules(api, registry, options?.batchRules) };
}

/** Runs `block` on the context's place and returns the fetched values. */
export function runBlock(ctx: Context, block: Block, feed: ReadonlyMap<string, NDArray>, fetch: readonly Var[]): NDArray[] {
  const result = ctx.place.run({ block, registry: ctx.registry, scope: new Scope(), feed, fetch });
  if (result instanceof Promise) {
    // The promise may still reject; handle it here so the rejection is not reported as unhandled.
    result.catch(() => undefined);
    // NOTE: the functional APIs have no asynchronous variants yet, so places that return promises cannot run them.
    throw new PrimgradError(
      `${ctx.api}: the place for backend '${ctx.place.backend}' returned a promise, but the functional APIs run synchronously. ` +
        'Pass a synchronous place such as new CPUPlace().',
    );
  }
  return result;
}
